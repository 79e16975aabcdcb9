// Level-triggered: at start, after NATS reconnects and every RESYNC_INTERVAL_MS, the agent lists the
// pods the scheduler assigned and converges on them — a missed event or a restart never leaves drift.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { COMMANDS } from '@everynode/contracts';
import type { PodList, PodRecord } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import { MetricsRegistry } from '@everynode/platform';
import type { AgentConfig } from '../config/agent-config';
import { AGENT_CONFIG, SimulatedKubelets } from '../kubelet/simulated-kubelets';
import { PodRuntime } from './pod-runtime';

@Injectable()
export class PodResync implements OnApplicationShutdown {
  private readonly logger = new Logger('node-agent');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly resyncs: ReturnType<MetricsRegistry['counter']>;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly client: JetStreamClient,
    private readonly kubelets: SimulatedKubelets,
    private readonly runtime: PodRuntime,
    metrics: MetricsRegistry,
  ) {
    this.resyncs = metrics.counter('agent_pod_resyncs_total', 'Full pod lists this agent converged on, by result.');
  }

  /** Call once the event consumer runs, so no event falls between the first list and the consumer. */
  async start(): Promise<void> {
    await this.kubelets.registered;
    this.timer = setInterval(() => this.trigger(), this.config.resyncIntervalMs);
    void this.resyncOnReconnect();
    await this.trigger();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One list at a time; a trigger during a list runs one more after it. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.resync();
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
    return this.running;
  }

  private async resync(): Promise<void> {
    try {
      // Paged, and only this agent's nodes: a cluster's pods do not fit in one NATS message.
      const nodes = this.config.nodes;
      const items: PodRecord[] = [];
      let position: number | undefined;
      let next: string | undefined;
      do {
        const page: PodList = await request<PodList>(this.client, COMMANDS.podList, { nodes, ...(next ? { continue: next } : {}) });
        position ??= Number(page.resourceVersion); // the first page's position: later pages only add newer facts
        items.push(...page.items);
        next = page.continue;
      } while (next);
      if (!Number.isSafeInteger(position)) throw new Error('pod list without a usable resourceVersion');
      this.runtime.resync(items, position!);
      this.resyncs.inc({ result: 'ok' });
    } catch (e) {
      this.resyncs.inc({ result: 'failed' });
      this.logger.warn(`pod resync failed, retrying in ${this.config.resyncIntervalMs} ms: ${(e as Error)?.message ?? JSON.stringify(e)}`);
    }
  }

  private async resyncOnReconnect(): Promise<void> {
    const nc = await this.client.connect();
    for await (const s of nc.status()) if (s.type === 'reconnect') void this.trigger();
  }
}

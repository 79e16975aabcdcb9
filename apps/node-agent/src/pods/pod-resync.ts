// Level-triggered: at start and after NATS reconnects the agent lists the pods the scheduler assigned to its
// nodes and converges on them — a missed event or a restart never leaves drift — and every node is listed
// again each POD_RELIST_INTERVAL_MS (5 min), a safety net: kubelets relist only when their watch fails, and
// the durable consumer misses nothing. Those periodic lists go a slice of nodes at a time, spread over the
// interval: 5,000 simulated nodes listing 150,000 pods at once made the scheduler answer 75 pages in a
// burst, and node joins committed meanwhile waited up to half a second. (Every 60 s, as the benchmark's
// RESYNC_INTERVAL_MS had it, a slice every 6 s still held node joins up for 0.2-0.4 s each time.)
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { COMMANDS } from '@everynode/contracts';
import type { PodList, PodRecord } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import { MetricsRegistry } from '@everynode/platform';
import type { AgentConfig } from '../config/agent-config';
import { AGENT_CONFIG, SimulatedKubelets } from '../kubelet/simulated-kubelets';
import { PodRuntime } from './pod-runtime';

/** Nodes per periodic list: a few pages of pods (30 DaemonSets × 500 nodes = 15,000 pods). */
export const RESYNC_SLICE_NODES = 500;

/** The nodes cut into slices of at most `size`, in order. */
export const resyncSlices = (nodes: string[], size = RESYNC_SLICE_NODES): string[][] =>
  Array.from({ length: Math.ceil(nodes.length / size) }, (_, i) => nodes.slice(i * size, (i + 1) * size));

@Injectable()
export class PodResync implements OnApplicationShutdown {
  private readonly logger = new Logger('node-agent');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Nodes to list once the list running now is done. */
  private again: Set<string> | null = null;
  private stopped = false;
  private readonly slices: string[][];
  private nextSlice = 0;
  private readonly resyncs: ReturnType<MetricsRegistry['counter']>;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly client: JetStreamClient,
    private readonly kubelets: SimulatedKubelets,
    private readonly runtime: PodRuntime,
    metrics: MetricsRegistry,
  ) {
    this.resyncs = metrics.counter('agent_pod_resyncs_total', 'Pod lists (all nodes or a slice) this agent converged on, by result.');
    this.slices = resyncSlices(config.nodes);
  }

  /** Call once the event consumer runs, so no event falls between the first list and the consumer. */
  async start(): Promise<void> {
    await this.kubelets.registered;
    const every = this.config.relistIntervalMs / Math.max(1, this.slices.length);
    this.timer = setInterval(() => void this.trigger(this.slices[this.nextSlice++ % this.slices.length]), every);
    void this.resyncOnReconnect();
    await this.trigger();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Lists `nodes` (default: all of this agent's). One list at a time; what is triggered meanwhile is listed after it, together. */
  trigger(nodes: string[] = this.config.nodes): Promise<void> {
    if (this.running) {
      this.again ??= new Set();
      for (const node of nodes) this.again.add(node);
      return this.running;
    }
    this.running = (async () => {
      let next: string[] | null = nodes;
      while (next && !this.stopped) {
        this.again = null;
        await this.resync(next);
        next = this.again ? [...this.again] : null;
      }
      this.running = undefined;
    })();
    return this.running;
  }

  private async resync(nodes: string[]): Promise<void> {
    try {
      // Paged, and only these nodes: a cluster's pods do not fit in one NATS message.
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
      this.runtime.resync(items, position!, nodes.length === this.config.nodes.length ? undefined : new Set(nodes));
      this.resyncs.inc({ result: 'ok' });
    } catch (e) {
      this.resyncs.inc({ result: 'failed' });
      this.logger.warn(`pod resync failed, retrying in ${this.config.relistIntervalMs} ms: ${(e as Error)?.message ?? JSON.stringify(e)}`);
    }
  }

  private async resyncOnReconnect(): Promise<void> {
    const nc = await this.client.connect();
    for await (const s of nc.status()) if (s.type === 'reconnect') void this.trigger();
  }
}

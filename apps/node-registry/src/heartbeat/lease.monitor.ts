// Upstream's node lifecycle controller, simplified: no heartbeat for a lease -> Ready=Unknown;
// unreachable for NODE_GC_AFTER_MS -> the node leaves (LeaseExpired), so its daemon pods do not stay
// "Running" forever on a machine that vanished (kubernetes#111257).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@everynode/contracts';
import { MetricsRegistry, SERVICE_CONFIG } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { decideLeave, decideReadiness } from '../domain/node.decider';
import { NodeWriter } from '../node-writer';
import { NodeProjection } from '../projection/node.projection';
import { LeaseTable } from './lease.table';

@Injectable()
export class LeaseMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaseMonitor.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly transitions;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly leases: LeaseTable,
    private readonly writer: NodeWriter,
    private readonly projection: NodeProjection,
    metrics: MetricsRegistry,
  ) {
    this.transitions = metrics.counter('node_lease_transitions_total', 'Nodes marked unreachable or removed for lack of heartbeats.');
  }

  onApplicationBootstrap() {
    const every = Math.max(100, Math.min(1000, Math.floor(this.config.leaseDurationMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const expired: string[] = [];
      const gone: string[] = [];
      for (const node of await this.projection.list()) {
        if (now - this.leases.lastHeartbeat(node.name, now) < this.config.leaseDurationMs) continue;
        const since = this.leases.markUnreachable(node.name, now);
        if (node.ready !== 'Unknown') expired.push(node.name);
        else if (this.config.nodeGcAfterMs > 0 && now - since >= this.config.nodeGcAfterMs) gone.push(node.name);
      }
      const metadata = (reason: string): EventMetadata => ({
        causationId: null,
        correlationId: randomUUID(),
        actor: 'service:node-registry',
        reason,
      });
      if (expired.length) {
        const meta = metadata(`no heartbeat for ${this.config.leaseDurationMs} ms`);
        await this.writer.write(expired, (_n, state) =>
          decideReadiness(state, 'Unknown', 'NodeStatusUnknown', meta, { newId: randomUUID }),
        );
        this.transitions.inc({ to: 'Unknown' }, expired.length);
      }
      if (gone.length) {
        const meta = metadata(`unreachable for ${this.config.nodeGcAfterMs} ms`);
        await this.writer.write(gone, (name, state) =>
          state.node ? decideLeave(state, name, 'LeaseExpired', meta, { newId: randomUUID }) : [],
        );
        gone.forEach((n) => this.leases.forget(n));
        this.transitions.inc({ to: 'Left' }, gone.length);
      }
    } catch (error) {
      this.logger.error(`lease sweep failed, retrying: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}

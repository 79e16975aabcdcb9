// Upstream's node lifecycle controller, simplified: no heartbeat for a lease -> Ready=Unknown;
// unreachable for NODE_GC_AFTER_MS -> the node leaves (LeaseExpired), so its daemon pods do not stay
// "Running" forever on a machine that vanished (kubernetes#111257).
//
// A sweep costs the nodes that expire, not the cluster: the lease table hands out only leases that ran out
// (see LeaseTable). The members are read from the projection once, at start (each gets a full lease of grace).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { newEventId } from '@everynode/event-store';
import type { EventMetadata } from '@everynode/contracts';
import { MetricsRegistry, SERVICE_CONFIG } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { decideLeave, decideReadiness, NodeState } from '../domain/node.decider';
import { NodeCommandQueue } from '../node-command.queue';
import { NodeProjection } from '../projection/node.projection';
import { LeaseTable } from './lease.table';

@Injectable()
export class LeaseMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaseMonitor.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private loaded = false;
  /** Expired leases whose Unknown is not committed yet (retried by the next sweep; not collected before). */
  private readonly pendingUnknown = new Set<string>();
  private readonly transitions;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly leases: LeaseTable,
    private readonly queue: NodeCommandQueue,
    private readonly projection: NodeProjection,
    metrics: MetricsRegistry,
  ) {
    this.transitions = metrics.counter('node_lease_transitions_total', 'Nodes marked unreachable or removed for lack of heartbeats.');
    metrics.gaugeFn('node_leases', 'Member nodes whose leases the registry tracks.', () => this.leases.size);
  }

  async onApplicationBootstrap() {
    await this.load().catch((e) => this.logger.warn(`cannot read the nodes yet, the first sweep will: ${(e as Error).message}`));
    const every = Math.max(100, Math.min(1000, Math.floor(this.config.leaseDurationMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Every member of the projection gets a lease (of grace) and its recorded readiness: once, at start. */
  private async load(now = Date.now()): Promise<void> {
    if (this.loaded) return;
    for (const { name, ready } of await this.projection.readiness()) this.leases.track(name, ready, now);
    this.loaded = true;
  }

  async sweep(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.load(now);
      for (const name of this.leases.expire(now, this.config.leaseDurationMs)) this.pendingUnknown.add(name);
      // A node heard from since it expired has a lease again: nothing to record.
      const expired = [...this.pendingUnknown].filter((n) => this.leases.unreachableSinceOf(n) !== undefined);
      this.pendingUnknown.clear();
      const metadata = (reason: string): EventMetadata => ({
        causationId: null,
        correlationId: randomUUID(),
        actor: 'service:node-registry',
        reason,
      });
      if (expired.length) {
        const meta = metadata(`no heartbeat for ${this.config.leaseDurationMs} ms`);
        try {
          const after = await this.write(expired, (state) => decideReadiness(state, 'Unknown', 'NodeStatusUnknown', meta, { newId: newEventId }));
          after.forEach((state, i) => this.leases.recorded(expired[i], state.node?.ready ?? null));
          this.transitions.inc({ to: 'Unknown' }, expired.length);
        } catch (error) {
          expired.forEach((n) => this.pendingUnknown.add(n));
          throw error;
        }
      }
      const gone = this.config.nodeGcAfterMs > 0
        ? this.leases.unreachableFor(now, this.config.nodeGcAfterMs).filter((n) => !this.pendingUnknown.has(n))
        : [];
      if (gone.length) {
        const meta = metadata(`unreachable for ${this.config.nodeGcAfterMs} ms`);
        await this.write(gone, (state, name) => (state.node ? decideLeave(state, name, 'LeaseExpired', meta, { newId: newEventId }) : []));
        gone.forEach((n) => this.leases.forget(n));
        this.transitions.inc({ to: 'Left' }, gone.length);
      }
    } catch (error) {
      this.logger.error(`lease sweep failed, retrying: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** One decision per node, with whatever else is queued: one transaction. */
  private write(names: string[], decide: (state: NodeState, name: string) => ReturnType<typeof decideReadiness | typeof decideLeave>): Promise<NodeState[]> {
    return this.queue.submitAll(names.map((name) => ({ name, decide: (state: NodeState) => decide(state, name), reply: (_b: NodeState, after: NodeState) => after })));
  }
}

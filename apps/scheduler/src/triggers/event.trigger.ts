// Events only say what to look at: a batch of them becomes one reconcile request for the nodes and
// DaemonSets they name. The delivery is acked after that request's decisions are committed.
import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@everynode/contracts';
import { EventErrorFilter } from '@everynode/platform';
import { ClusterCache } from '../cluster/cluster.cache';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

@Controller()
@UseFilters(EventErrorFilter)
export class EventTrigger {
  constructor(
    private readonly loop: ReconcileLoop,
    private readonly cache: ClusterCache,
  ) {}

  @EventPattern<string>('*', { batch: true })
  async onEvents(@Payload() events: RecordedEvent[]): Promise<void> {
    const nodes = new Set<string>();
    const daemonSets = new Set<string>();
    for (const e of events) {
      const d = e.data as { name?: string; namespace?: string; pod?: string; daemonSet?: string };
      if (e.type.startsWith('Node')) nodes.add(d.name!);
      else if (e.type.startsWith('DaemonSet')) daemonSets.add(`${d.namespace}/${d.name}`);
      else if (e.type === 'PodStatusChanged') {
        const owner = this.cache.state.pods.get(`${d.namespace}/${d.pod}`)?.daemonSet;
        if (owner) daemonSets.add(owner);
      }
      // The scheduler's own PodScheduled / PodRemoved / PodOrphaned need no reaction.
    }
    if (nodes.size || daemonSets.size) await this.loop.enqueue({ nodes, daemonSets });
  }
}

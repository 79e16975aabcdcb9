// Events only say what to look at: a batch of them becomes one reconcile request for the nodes and
// DaemonSets they name. The delivery is acked after that request's decisions are committed.
import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES } from '@everynode/contracts';
import type { RecordedEvent } from '@everynode/contracts';
import { slotKey } from '@everynode/reconciler';
import { EventErrorFilter } from '@everynode/platform';
import { ClusterCache } from '../cluster/cluster.cache';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

/**
 * What the scheduler reacts to. Not its own PodScheduled / PodRemoved / PodOrphaned: consuming (and
 * acking) 150,000 of its own placements to ignore them cost a core during a converge.
 */
export const TRIGGER_TYPES = EVENT_TYPES.filter((t) => t.startsWith('Node') || t.startsWith('DaemonSet') || t === 'PodStatusChanged');

@Controller()
@UseFilters(EventErrorFilter)
export class EventTrigger {
  constructor(
    private readonly loop: ReconcileLoop,
    private readonly cache: ClusterCache,
  ) {}

  @EventPattern<string[]>(TRIGGER_TYPES, { batch: true })
  async onEvents(@Payload() events: RecordedEvent[]): Promise<void> {
    const nodes = new Set<string>();
    const daemonSets = new Set<string>();
    const slots = new Set<string>();
    for (const e of events) {
      const d = e.data as { name?: string; namespace?: string; pod?: string; daemonSet?: string };
      if (e.type.startsWith('Node')) nodes.add(d.name!);
      else if (e.type.startsWith('DaemonSet')) daemonSets.add(`${d.namespace}/${d.name}`);
      else if (e.type === 'PodStatusChanged') {
        const pod = this.cache.state.pods.get(`${d.namespace}/${d.pod}`);
        if (pod?.daemonSet) slots.add(slotKey(pod.daemonSet, pod.node));
      }
    }
    if (nodes.size || daemonSets.size || slots.size) await this.loop.enqueue({ nodes, daemonSets, slots });
  }
}

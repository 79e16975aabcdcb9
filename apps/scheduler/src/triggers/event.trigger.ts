// Events only say what to look at: a batch of them becomes one reconcile request for the nodes and
// DaemonSets they name. The delivery is acked after that request's decisions are committed.
import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES } from '@everynode/contracts';
import type { RecordedEvent } from '@everynode/contracts';
import { EventErrorFilter } from '@everynode/platform';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

/**
 * What the scheduler reacts to: nodes and DaemonSets. Not the pod events it records itself (PodScheduled,
 * PodRemoved, PodOrphaned, and PodStatusChanged, whose recorder reconciles the pod's slot right away; a
 * crash in between is covered by the start-up and periodic resyncs): consuming and acking 300,000 of its
 * own events during a converge only to ignore them cost as much CPU as placing the pods.
 */
export const TRIGGER_TYPES = EVENT_TYPES.filter((t) => t.startsWith('Node') || t.startsWith('DaemonSet'));

@Controller()
@UseFilters(EventErrorFilter)
export class EventTrigger {
  constructor(private readonly loop: ReconcileLoop) {}

  @EventPattern<string[]>(TRIGGER_TYPES, { batch: true })
  async onEvents(@Payload() events: RecordedEvent[]): Promise<void> {
    const nodes = new Set<string>();
    const daemonSets = new Set<string>();
    for (const e of events) {
      const d = e.data as { name?: string; namespace?: string };
      if (e.type.startsWith('Node')) nodes.add(d.name!);
      else if (e.type.startsWith('DaemonSet')) daemonSets.add(`${d.namespace}/${d.name}`);
    }
    if (nodes.size || daemonSets.size) await this.loop.enqueue({ nodes, daemonSets });
  }
}

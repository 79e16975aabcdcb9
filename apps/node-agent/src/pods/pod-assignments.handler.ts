// This agent's share of the pod events: its durable consumer delivers them in log order and in batches;
// the runtime keeps only the pods of the nodes this agent simulates. Nothing here can fail, so a batch
// is acked right away — a crash loses nothing, the resync after the restart converges.
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { podEventsOf } from '@everynode/contracts';
import type { PodOrphaned, PodRemoved, PodScheduled, RecordedEvent } from '@everynode/contracts';
import { PodRuntime } from './pod-runtime';

@Controller()
export class PodAssignmentsHandler {
  constructor(private readonly runtime: PodRuntime) {}

  @EventPattern<string[]>(['PodsScheduled', 'PodScheduled', 'PodsRemoved', 'PodRemoved', 'PodOrphaned'], { batch: true })
  onPodEvents(@Payload() events: RecordedEvent[]): void {
    for (const e of events.flatMap(podEventsOf)) {
      if (e.type === 'PodScheduled') {
        const d = e.data as PodScheduled;
        this.runtime.assign(
          { namespace: d.namespace, pod: d.pod, uid: d.uid, node: d.node, daemonSet: d.daemonSet, templateHash: d.templateHash },
          e.position,
        );
      } else if (e.type === 'PodRemoved') {
        const d = e.data as PodRemoved;
        this.runtime.remove(d.namespace, d.pod, d.node, e.position);
      } else if (e.type === 'PodOrphaned') {
        const d = e.data as PodOrphaned;
        this.runtime.orphan(d.namespace, d.pod, e.position);
      }
    }
  }
}

// Node agents report what their pods do; the scheduler owns pod streams, so it records the changes
// (only changes: a repeated report appends nothing) and reconciles those pods' slots (failed pods; a
// rollout widens that to the whole DaemonSet).
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { COMMANDS, podStream } from '@everynode/contracts';
import type { PodStatusChanged, RecordedEvent, ReportPodStatusCommand } from '@everynode/contracts';
import { AppendRequest, EventStore } from '@everynode/event-store';
import { KubeStatusRpcFilter, transactionWithRetry } from '@everynode/platform';
import { slotKey } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class ReportPodStatusHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly cache: ClusterCache,
    private readonly loop: ReconcileLoop,
  ) {}

  @MessagePattern(COMMANDS.podReportStatus)
  async report(@Payload() cmd: ReportPodStatusCommand): Promise<{ recorded: number; unchanged: number; unknown: string[] }> {
    let result = { recorded: 0, unchanged: 0, unknown: [] as string[] };
    const slots = new Set<string>();
    let appended: RecordedEvent[] = [];
    await transactionWithRetry(this.dataSource, async (manager) => {
      await this.cache.catchUp();
      result = { recorded: 0, unchanged: 0, unknown: [] };
      const requests: AppendRequest[] = [];
      for (const r of cmd.reports) {
        const key = `${r.namespace}/${r.pod}`;
        const pod = this.cache.state.pods.get(key);
        const extras = this.cache.pods.get(key);
        if (!pod || !extras || pod.node !== r.node) {
          result.unknown.push(key); // removed meanwhile, or never this node's: the agent drops it
          continue;
        }
        if (pod.phase === r.phase && pod.ready === r.ready && extras.podIP === r.podIP && extras.restarts === r.restarts) {
          result.unchanged++;
          continue;
        }
        // Keys in sorted order: the hash chain's canonical JSON takes them as they are.
        const data: PodStatusChanged = {
          namespace: r.namespace,
          node: r.node,
          phase: r.phase,
          pod: r.pod,
          ...(r.podIP ? { podIP: r.podIP } : {}),
          ready: r.ready,
          ...(r.reason ? { reason: r.reason } : {}),
          restarts: r.restarts,
        };
        requests.push({
          stream: podStream(r.namespace, r.pod),
          expectedVersion: extras.version,
          events: [
            {
              eventId: randomUUID(),
              type: 'PodStatusChanged',
              data,
              metadata: { actor: cmd.meta.actor, causationId: cmd.meta.requestId, correlationId: cmd.meta.requestId, request: cmd.meta.request },
            },
          ],
        });
        if (pod.daemonSet) slots.add(slotKey(pod.daemonSet, pod.node));
      }
      appended = requests.length ? (await this.store.appendMany(requests, { manager })).flatMap((r) => r.events) : [];
      result.recorded = requests.length;
    });
    this.cache.foldOwn(appended); // no read-back when nothing else was appended in between
    if (slots.size) void this.loop.enqueue({ slots }).catch(() => undefined);
    return result;
  }
}

// Node agents report what their pods do; the scheduler owns pod streams, so it records the changes
// (only changes: a repeated report appends nothing) and reconciles the owners (failed pods, rollouts).
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { COMMANDS, podStream } from '@everynode/contracts';
import type { PodStatusChanged, ReportPodStatusCommand } from '@everynode/contracts';
import { AppendRequest, EventStore } from '@everynode/event-store';
import { KubeStatusRpcFilter, transactionWithRetry } from '@everynode/platform';
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
    const owners = new Set<string>();
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
        const data: PodStatusChanged = {
          pod: r.pod,
          namespace: r.namespace,
          node: r.node,
          phase: r.phase,
          ready: r.ready,
          ...(r.podIP ? { podIP: r.podIP } : {}),
          restarts: r.restarts,
          ...(r.reason ? { reason: r.reason } : {}),
        };
        requests.push({
          stream: podStream(r.namespace, r.pod),
          expectedVersion: extras.version,
          events: [
            {
              eventId: randomUUID(),
              type: 'PodStatusChanged',
              data,
              metadata: { causationId: cmd.meta.requestId, correlationId: cmd.meta.requestId, actor: cmd.meta.actor, request: cmd.meta.request },
            },
          ],
        });
        if (pod.daemonSet) owners.add(pod.daemonSet);
      }
      if (requests.length) await this.store.appendMany(requests, { manager });
      result.recorded = requests.length;
    });
    if (owners.size) void this.loop.enqueue({ daemonSets: owners }).catch(() => undefined);
    return result;
  }
}

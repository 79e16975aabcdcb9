// `kubectl delete pod`: the pod is removed (reason Deleted) and, level-triggered, its DaemonSet
// places a new one on that node, as upstream's controller does.
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { COMMANDS, notFound, podStream } from '@everynode/contracts';
import type { DeletePodCommand, PodRecord, PodRemoved } from '@everynode/contracts';
import { EventStore, newEventId } from '@everynode/event-store';
import { KubeStatusRpcFilter, transactionWithRetry } from '@everynode/platform';
import { ClusterCache } from '../cluster/cluster.cache';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class DeletePodHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly cache: ClusterCache,
    private readonly loop: ReconcileLoop,
  ) {}

  @MessagePattern(COMMANDS.podDelete)
  async delete(@Payload() cmd: DeletePodCommand): Promise<PodRecord> {
    const key = `${cmd.namespace}/${cmd.name}`;
    let removed!: PodRecord;
    let owner: string | null = null;
    await transactionWithRetry(this.dataSource, async (manager) => {
      await this.cache.catchUp();
      const basis = this.cache.position;
      const pod = this.cache.state.pods.get(key);
      if (!pod) throw notFound('pods', cmd.name);
      removed = this.cache.podRecord(key)!;
      owner = pod.daemonSet;
      const data: PodRemoved = {
        pod: cmd.name,
        namespace: cmd.namespace,
        daemonSet: owner ? owner.slice(owner.indexOf('/') + 1) : '',
        node: pod.node,
        reason: 'Deleted',
      };
      const metadata = { causationId: cmd.meta.requestId, correlationId: cmd.meta.requestId, actor: cmd.meta.actor, request: cmd.meta.request };
      // Removed from the view it was found in, or decided again (the pod view check: a retryable conflict).
      await this.store.appendToStream(podStream(cmd.namespace, cmd.name), 'any', [{ eventId: newEventId(), type: 'PodRemoved', data, metadata }], {
        manager,
        checks: [this.cache.podViewCheck(basis)],
      });
    });
    if (owner) void this.loop.enqueue({ daemonSets: [owner] }).catch(() => undefined);
    return removed;
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { DaemonSetStatus, ListPodsQuery, PodRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { computeStatus } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';

/** Reads are answered from the scheduler's view after it caught up with the log (read-your-writes). */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class PodQueries {
  constructor(private readonly cache: ClusterCache) {}

  @MessagePattern(COMMANDS.podList)
  async list(@Payload() q: ListPodsQuery): Promise<{ items: PodRecord[]; resourceVersion: string }> {
    await this.cache.catchUp();
    return { items: this.cache.podRecords(q ?? {}), resourceVersion: String(this.cache.position) };
  }

  @MessagePattern(COMMANDS.daemonSetStatus)
  async status(@Payload() q: { namespace: string; name: string }): Promise<DaemonSetStatus> {
    await this.cache.catchUp();
    const key = `${q.namespace}/${q.name}`;
    if (!this.cache.state.daemonSets.has(key)) throw notFound('daemonsets.apps', q.name);
    return computeStatus(this.cache.state, key, Date.now());
  }
}

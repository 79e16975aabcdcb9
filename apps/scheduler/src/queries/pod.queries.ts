import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { DaemonSetStatus, ListPodsQuery, PodList } from '@everynode/contracts';

/** Pods per page: 2000 records stay well under NATS' 1 MiB message limit. */
const MAX_PAGE = 2000;
import { KubeStatusRpcFilter } from '@everynode/platform';
import { computeStatus } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';

/** Reads are answered from the scheduler's view after it caught up with the log (read-your-writes). */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class PodQueries {
  constructor(private readonly cache: ClusterCache) {}

  /** Paged by pod key (`namespace/name`), or node by node for a list of nodes: see ClusterCache.podPage. */
  @MessagePattern(COMMANDS.podList)
  async list(@Payload() q: ListPodsQuery = {}): Promise<PodList> {
    await this.cache.catchUp();
    const limit = Math.min(Math.max(1, q.limit ?? MAX_PAGE), MAX_PAGE);
    const filter = { namespace: q.namespace, daemonSet: q.daemonSet, node: q.node, nodes: q.nodes ? new Set(q.nodes) : undefined };
    const { items, next } = this.cache.podPage(filter, q.continue, limit);
    return { items, resourceVersion: String(this.cache.position), ...(next ? { continue: next } : {}) };
  }

  @MessagePattern(COMMANDS.daemonSetStatus)
  async status(@Payload() q: { namespace: string; name: string }): Promise<DaemonSetStatus> {
    await this.cache.catchUp();
    const key = `${q.namespace}/${q.name}`;
    if (!this.cache.state.daemonSets.has(key)) throw notFound('daemonsets.apps', q.name);
    return computeStatus(this.cache.state, key, Date.now());
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { DaemonSetRecord, GetDaemonSetQuery, ListDaemonSetsQuery } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { DaemonSetProjection, presented } from '../projection/daemonset.projection';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class DaemonSetQueries {
  constructor(private readonly projection: DaemonSetProjection) {}

  @MessagePattern(COMMANDS.daemonSetGet)
  async get(@Payload() q: GetDaemonSetQuery): Promise<DaemonSetRecord> {
    const { record } = await this.projection.load(q.namespace, q.name);
    if (!record) throw notFound('daemonsets.apps', q.name);
    return { object: presented(record), templateHash: record.templateHash, revision: record.revision };
  }

  @MessagePattern(COMMANDS.daemonSetList)
  async list(@Payload() q: ListDaemonSetsQuery): Promise<DaemonSetRecord[]> {
    const records = await this.projection.list(q?.namespace);
    return records.map((r) => ({ object: presented(r), templateHash: r.templateHash, revision: r.revision }));
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { NodeRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { NodeProjection } from '../projection/node.projection';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class NodeQueries {
  constructor(private readonly projection: NodeProjection) {}

  @MessagePattern(COMMANDS.nodeGet)
  async get(@Payload() q: { name: string }): Promise<NodeRecord> {
    const state = await this.projection.load(q.name);
    if (!state.node) throw notFound('nodes', q.name);
    return state.node;
  }

  @MessagePattern(COMMANDS.nodeList)
  list(): Promise<NodeRecord[]> {
    return this.projection.list();
  }
}

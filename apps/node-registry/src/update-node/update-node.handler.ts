import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { COMMANDS } from '@everynode/contracts';
import type { NodeRecord, UpdateNodeCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideUpdate } from '../domain/node.decider';
import { NodeWriter } from '../node-writer';

/** Labels, taints, cordon: the caller sends the node's new sets whole. */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class UpdateNodeHandler {
  constructor(private readonly writer: NodeWriter) {}

  @MessagePattern(COMMANDS.nodeUpdate)
  async update(@Payload() cmd: UpdateNodeCommand): Promise<NodeRecord> {
    const state = await this.writer.writeOne(cmd.name, (state) => decideUpdate(state, cmd, { newId: randomUUID }));
    return state.node!;
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { newEventId } from '@everynode/event-store';
import { COMMANDS } from '@everynode/contracts';
import type { NodeRecord, UpdateNodeCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideUpdate, NodeState } from '../domain/node.decider';
import { NodeCommandQueue } from '../node-command.queue';

/** Labels, taints, cordon: the caller sends the node's new sets whole. Queued (group commit). */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class UpdateNodeHandler {
  constructor(private readonly queue: NodeCommandQueue) {}

  @MessagePattern(COMMANDS.nodeUpdate)
  async update(@Payload() cmd: UpdateNodeCommand): Promise<NodeRecord> {
    return this.queue.submit({
      name: cmd.name,
      decide: (state: NodeState) => decideUpdate(state, cmd, { newId: newEventId }),
      reply: (_before: NodeState, after: NodeState) => after.node!,
    });
  }
}

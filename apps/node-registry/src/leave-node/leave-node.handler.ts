import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { newEventId } from '@everynode/event-store';
import { COMMANDS } from '@everynode/contracts';
import type { LeaveNodeCommand, NodeRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideLeave, metadataOf, NodeState } from '../domain/node.decider';
import { LeaseTable } from '../heartbeat/lease.table';
import { NodeCommandQueue } from '../node-command.queue';

/** `kubectl delete node`: the node leaves the cluster; the scheduler removes its pods. Queued (group commit). */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class LeaveNodeHandler {
  constructor(
    private readonly queue: NodeCommandQueue,
    private readonly leases: LeaseTable,
  ) {}

  @MessagePattern(COMMANDS.nodeLeave)
  async leave(@Payload() cmd: LeaveNodeCommand): Promise<NodeRecord> {
    return this.queue.submit({
      name: cmd.name,
      decide: (state: NodeState) => decideLeave(state, cmd.name, 'Deleted', metadataOf(cmd.meta), { newId: newEventId }),
      reply: (before: NodeState) => {
        this.leases.forget(cmd.name);
        return before.node!;
      },
    });
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { LeaveNodeCommand, NodeRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideLeave, metadataOf } from '../domain/node.decider';
import { LeaseTable } from '../heartbeat/lease.table';
import { NodeWriter } from '../node-writer';

/** `kubectl delete node`: the node leaves the cluster; the scheduler removes its pods. */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class LeaveNodeHandler {
  constructor(
    private readonly writer: NodeWriter,
    private readonly leases: LeaseTable,
  ) {}

  @MessagePattern(COMMANDS.nodeLeave)
  async leave(@Payload() cmd: LeaveNodeCommand): Promise<NodeRecord> {
    let removed: NodeRecord | null = null;
    await this.writer.writeOne(cmd.name, (state) => {
      removed = state.node;
      return decideLeave(state, cmd.name, 'Deleted', metadataOf(cmd.meta), { newId: randomUUID });
    });
    this.leases.forget(cmd.name);
    if (!removed) throw notFound('nodes', cmd.name);
    return removed;
  }
}

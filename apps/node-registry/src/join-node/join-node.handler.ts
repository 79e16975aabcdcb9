import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { newEventId } from '@everynode/event-store';
import { COMMANDS } from '@everynode/contracts';
import type { JoinNodeCommand, JoinNodesCommand, NodeRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideJoin, NodeState } from '../domain/node.decider';
import { LeaseTable } from '../heartbeat/lease.table';
import { NodeCommandQueue } from '../node-command.queue';
import type { NodeWrite } from '../node-writer';

/** Joins are queued: those that arrive together commit in one transaction (group commit). */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class JoinNodeHandler {
  constructor(
    private readonly queue: NodeCommandQueue,
    private readonly leases: LeaseTable,
  ) {}

  @MessagePattern(COMMANDS.nodeJoin)
  async join(@Payload() cmd: JoinNodeCommand): Promise<NodeRecord> {
    return this.queue.submit(this.joinWrite(cmd));
  }

  /** Thousands of nodes of one agent register in one transaction and one append batch: all or none. */
  @MessagePattern(COMMANDS.nodeJoinMany)
  async joinMany(@Payload() cmd: JoinNodesCommand): Promise<NodeRecord[]> {
    // A name given twice joins once (as before: its last entry, in the place of its first).
    const byName = new Map(cmd.nodes.map((n) => [n.name, n]));
    return this.queue.submitAll([...byName.values()].map((node) => this.joinWrite({ ...node, meta: cmd.meta })));
  }

  private joinWrite(cmd: JoinNodeCommand): NodeWrite<NodeRecord> {
    return {
      name: cmd.name,
      needsPodCidr: (state: NodeState) => !state.node && !cmd.podCIDR,
      decide: (state: NodeState, podCIDR: string) => decideJoin(state, cmd, { newId: newEventId, podCIDR }),
      reply: (_before: NodeState, after: NodeState) => {
        this.leases.renew(cmd.name);
        this.leases.recorded(cmd.name, after.node!.ready);
        return after.node!;
      },
    };
  }
}

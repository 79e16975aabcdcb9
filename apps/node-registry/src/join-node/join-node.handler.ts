import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { COMMANDS } from '@everynode/contracts';
import type { JoinNodeCommand, JoinNodesCommand, NodeRecord } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideJoin } from '../domain/node.decider';
import { LeaseTable } from '../heartbeat/lease.table';
import { NodeProjection } from '../projection/node.projection';
import { NodeWriter } from '../node-writer';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class JoinNodeHandler {
  constructor(
    private readonly writer: NodeWriter,
    private readonly projection: NodeProjection,
    private readonly leases: LeaseTable,
  ) {}

  @MessagePattern(COMMANDS.nodeJoin)
  async join(@Payload() cmd: JoinNodeCommand): Promise<NodeRecord> {
    const state = await this.writer.writeOne(cmd.name, async (state, manager) =>
      decideJoin(state, cmd, {
        newId: randomUUID,
        podCIDR: state.node || cmd.podCIDR ? '' : await this.projection.nextPodCidr(manager),
      }),
    );
    this.leases.renew(cmd.name);
    return state.node!;
  }

  /** Thousands of nodes of one agent register in one transaction and one append batch. */
  @MessagePattern(COMMANDS.nodeJoinMany)
  async joinMany(@Payload() cmd: JoinNodesCommand): Promise<NodeRecord[]> {
    const byName = new Map(cmd.nodes.map((n) => [n.name, n]));
    const states = await this.writer.write([...byName.keys()], async (name, state, manager) => {
      const node = byName.get(name)!;
      return decideJoin(state, { ...node, meta: cmd.meta }, {
        newId: randomUUID,
        podCIDR: state.node || node.podCIDR ? '' : await this.projection.nextPodCidr(manager),
      });
    });
    for (const name of byName.keys()) this.leases.renew(name);
    return [...byName.keys()].map((name) => states.get(name)!.node!);
  }
}

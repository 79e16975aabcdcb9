import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { newEventId } from '@everynode/event-store';
import { badRequest, COMMANDS } from '@everynode/contracts';
import type { HeartbeatCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideReadiness, NodeState } from '../domain/node.decider';
import { NodeCommandQueue } from '../node-command.queue';
import { NodeProjection } from '../projection/node.projection';
import { LeaseTable } from './lease.table';

/**
 * Renews leases (memory only); a node that comes back from NotReady is recorded Ready again. O(names): a
 * name the lease table knows costs a Map update; only names it does not know are looked up (by primary key).
 */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class HeartbeatHandler {
  constructor(
    private readonly leases: LeaseTable,
    private readonly queue: NodeCommandQueue,
    private readonly projection: NodeProjection,
  ) {}

  @MessagePattern(COMMANDS.nodeHeartbeat)
  async heartbeat(@Payload() cmd: HeartbeatCommand): Promise<{ renewed: number; unknown: string[] }> {
    if (!cmd || !Array.isArray(cmd.names) || cmd.names.some((n) => typeof n !== 'string')) throw badRequest('names: a list of node names is required');
    const now = Date.now();
    const unknown: string[] = [];
    const recovered: string[] = [];
    const untracked: string[] = [];
    for (const name of cmd.names) {
      if (!this.leases.has(name)) untracked.push(name);
      else if (this.leases.renew(name, now)) recovered.push(name);
    }
    if (untracked.length) {
      // Not in memory: a node that left (the agent joins it again), or one another writer added.
      const members = new Map((await this.projection.readiness(untracked)).map((n) => [n.name, n.ready]));
      for (const name of untracked) {
        const ready = members.get(name);
        if (ready === undefined) {
          unknown.push(name); // tells the agent to join again
          continue;
        }
        this.leases.track(name, ready, now);
        if (this.leases.renew(name, now)) recovered.push(name);
      }
    }
    if (recovered.length) {
      const metadata = { causationId: null, correlationId: randomUUID(), actor: 'service:node-registry', reason: 'heartbeat resumed' };
      await Promise.all(
        recovered.map((name) =>
          this.queue
            .submit({
              name,
              decide: (state: NodeState) => decideReadiness(state, 'True', 'KubeletReady', metadata, { newId: newEventId }),
              reply: (_before: NodeState, after: NodeState) => after,
            })
            .then((after) => this.leases.recorded(name, after.node?.ready ?? null)),
        ),
      );
    }
    return { renewed: cmd.names.length - unknown.length, unknown };
  }
}

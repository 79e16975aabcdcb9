import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { COMMANDS } from '@everynode/contracts';
import type { HeartbeatCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideReadiness } from '../domain/node.decider';
import { NodeWriter } from '../node-writer';
import { NodeProjection } from '../projection/node.projection';
import { LeaseTable } from './lease.table';

/** Renews leases (memory only); a node that comes back from NotReady is recorded Ready again. */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class HeartbeatHandler {
  constructor(
    private readonly leases: LeaseTable,
    private readonly writer: NodeWriter,
    private readonly projection: NodeProjection,
  ) {}

  @MessagePattern(COMMANDS.nodeHeartbeat)
  async heartbeat(@Payload() cmd: HeartbeatCommand): Promise<{ renewed: number; unknown: string[] }> {
    const now = Date.now();
    const nodes = new Map((await this.projection.list()).map((n) => [n.name, n]));
    const unknown: string[] = [];
    const recovered: string[] = [];
    for (const name of cmd.names) {
      const node = nodes.get(name);
      if (!node) {
        unknown.push(name); // tells the agent to join again
        continue;
      }
      this.leases.renew(name, now);
      if (node.ready !== 'True') recovered.push(name);
    }
    if (recovered.length) {
      const metadata = { causationId: null, correlationId: randomUUID(), actor: 'service:node-registry', reason: 'heartbeat resumed' };
      await this.writer.write(recovered, (_name, state) =>
        decideReadiness(state, 'True', 'KubeletReady', metadata, { newId: randomUUID }),
      );
    }
    return { renewed: cmd.names.length - unknown.length, unknown };
  }
}

import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { newEventId } from '@everynode/event-store';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { DaemonSet, DeleteDaemonSetCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { decideDelete } from '../decider/daemonset.decider';
import { DaemonSetWriter } from '../daemonset-writer';
import { unstorableText } from '../domain';
import { presented } from '../projection/daemonset.projection';

/**
 * The DaemonSet leaves the spec at once; the scheduler removes (Background, Foreground) or orphans (Orphan)
 * its pods when it sees DaemonSetDeleted. Answering with the deleted object lets kubectl print `deleted`.
 */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class DeleteDaemonSetHandler {
  constructor(private readonly writer: DaemonSetWriter) {}

  @MessagePattern(COMMANDS.daemonSetDelete)
  async delete(@Payload() cmd: DeleteDaemonSetCommand): Promise<DaemonSet> {
    if (unstorableText([cmd.namespace, cmd.name])) throw notFound('daemonsets.apps', cmd.name); // no such name can be stored
    const { before } = await this.writer.write(cmd.namespace, cmd.name, (state) => decideDelete(state, cmd, { newId: newEventId }));
    return presented(before.record!);
  }
}

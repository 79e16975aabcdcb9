// Node agents report what their pods do; the scheduler owns pod streams, so it records the changes
// (only changes: a repeated report appends nothing; reports arriving together are committed together)
// and reconciles those pods' slots (failed pods; a rollout widens that to the whole DaemonSet).
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { COMMANDS } from '@everynode/contracts';
import type { ReportPodStatusCommand } from '@everynode/contracts';
import { KubeStatusRpcFilter } from '@everynode/platform';
import { ReconcileLoop } from '../reconcile/reconcile.loop';
import { PodStatusWriter, ReportResult } from './pod-status.writer';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class ReportPodStatusHandler {
  constructor(
    private readonly writer: PodStatusWriter,
    private readonly loop: ReconcileLoop,
  ) {}

  @MessagePattern(COMMANDS.podReportStatus)
  async report(@Payload() cmd: ReportPodStatusCommand): Promise<ReportResult> {
    const { result, slots } = await this.writer.write(cmd);
    if (slots.size) void this.loop.enqueue({ slots }).catch(() => undefined);
    return result;
  }
}

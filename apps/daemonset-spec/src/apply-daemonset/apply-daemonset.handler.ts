import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { newEventId } from '@everynode/event-store';
import { COMMANDS } from '@everynode/contracts';
import type { ApplyDaemonSetCommand, DaemonSet } from '@everynode/contracts';
import { KubeStatusRpcFilter, MetricsRegistry } from '@everynode/platform';
import { checkApply, decideApply, resolveNamespace } from '../decider/daemonset.decider';
import { parseManifest, strictDecodeDaemonSet } from '../domain';
import { DaemonSetWriter } from '../daemonset-writer';
import { presented } from '../projection/daemonset.projection';

/** Create or update from a manifest: parse, strict-decode, validate, default, then append if anything changed. */
@Controller()
@UseFilters(KubeStatusRpcFilter)
export class ApplyDaemonSetHandler {
  private readonly outcomes;

  constructor(private readonly writer: DaemonSetWriter, metrics: MetricsRegistry) {
    this.outcomes = metrics.counter('daemonset_apply_total', 'DaemonSet apply commands by outcome.');
  }

  @MessagePattern(COMMANDS.daemonSetApply)
  async apply(@Payload() cmd: ApplyDaemonSetCommand): Promise<{ object: DaemonSet; outcome: 'created' | 'configured' | 'unchanged' }> {
    try {
      const parsed = typeof cmd.manifest === 'string' ? parseManifest(cmd.manifest) : cmd.manifest;
      const manifest = strictDecodeDaemonSet(parsed);
      checkApply({ manifest, namespace: cmd.namespace });
      const namespace = resolveNamespace(manifest, cmd.namespace);
      const name = manifest.metadata?.name ?? '';
      const input = { meta: cmd.meta, manifest, namespace, mode: cmd.mode ?? 'apply', resourceVersion: cmd.resourceVersion } as const;
      const ctx = { newId: newEventId, now: () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
      if (cmd.dryRun) {
        const current = await this.writer.read(namespace, name);
        const events = decideApply(current, input, ctx);
        const object = events.length ? events[0].data.object : current.record!.object;
        return { object, outcome: events.length ? (events[0].type === 'DaemonSetCreated' ? 'created' : 'configured') : 'unchanged' };
      }
      const { before, after, changed } = await this.writer.write(namespace, name, (state) => decideApply(state, input, ctx));
      const outcome = !changed ? 'unchanged' : before.record ? 'configured' : 'created';
      this.outcomes.inc({ outcome });
      return { object: presented(after.record!), outcome };
    } catch (error) {
      this.outcomes.inc({ outcome: 'refused' });
      throw error;
    }
  }
}

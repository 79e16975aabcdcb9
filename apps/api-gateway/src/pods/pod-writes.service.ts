// `kubectl delete pod`: the scheduler removes the pod and, as upstream, its DaemonSet makes a new one.
// A status write (`pods/<name>/status`, a kubelet's report) becomes a pod.status report to the scheduler,
// which records it only when something changed.
import { Injectable } from '@nestjs/common';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { PodStatusReport } from '@everynode/contracts';
import { type Caller, CommandBus } from '../commands/command-bus.service';
import { invalid, nameMismatch } from '../http/kube-errors';
import { APPLY_PATCH, appliedConfiguration, applyPatch, patchTypeOf } from '../http/patch';
import { parseObjectBody } from '../http/raw-body';
import { serverSideApply } from '../kube';
import { KINDS, type KubeObject } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';

const PODS = KINDS.pods;
const PHASES: readonly string[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

type PodBody = {
  metadata?: { name?: unknown };
  spec?: { nodeName?: string };
  status?: { phase?: unknown; conditions?: unknown; podIP?: unknown; containerStatuses?: unknown; reason?: unknown };
};

/** What a kubelet's pod status says, in the terms the scheduler records (phase, Ready, IP, restarts). */
export function statusReport(current: KubeObject, next: PodBody): PodStatusReport {
  const { name, namespace } = current.metadata as { name: string; namespace: string };
  const status = next.status ?? {};
  if (typeof status.phase !== 'string' || !PHASES.includes(status.phase)) {
    const supported = PHASES.map((p) => JSON.stringify(p)).join(', ');
    throw invalid('Pod', name, [{ field: 'status.phase', message: `Unsupported value: ${JSON.stringify(status.phase ?? '')}: supported values: ${supported}` }]);
  }
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  return {
    namespace,
    pod: name,
    node: (current as PodBody).spec!.nodeName!,
    phase: status.phase as PodStatusReport['phase'],
    ready: list(status.conditions).some((c) => c?.type === 'Ready' && c.status === 'True'),
    ...(typeof status.podIP === 'string' && status.podIP ? { podIP: status.podIP } : {}),
    restarts: list(status.containerStatuses).reduce((n, c) => n + (Number.isInteger(c?.restartCount) ? (c.restartCount as number) : 0), 0),
    ...(typeof status.reason === 'string' && status.reason ? { reason: status.reason } : {}),
  };
}

@Injectable()
export class PodWrites {
  constructor(
    private readonly bus: CommandBus,
    private readonly objects: KubeObjects,
  ) {}

  /** Answers with the pod as it was; kubectl then waits for the 404. */
  async delete(namespace: string, name: string, caller: Caller): Promise<KubeObject> {
    const pod = this.objects.require(PODS, namespace, name);
    await this.bus.send(COMMANDS.podDelete, { namespace, name }, caller);
    return pod;
  }

  /** PUT `pods/<name>/status`: the body is the whole pod; its status is reported. */
  replaceStatus(namespace: string, name: string, body: Buffer, contentType: string | undefined, caller: Caller): Promise<KubeObject> {
    const next = parseObjectBody(body, contentType) as PodBody;
    if (next.metadata?.name !== undefined && next.metadata.name !== name) throw nameMismatch(next.metadata.name, name);
    return this.report(this.objects.require(PODS, namespace, name), next, caller);
  }

  /** PATCH `pods/<name>/status`, any patch type, applied to the pod as read. */
  patchStatus(namespace: string, name: string, body: Buffer, contentType: string | undefined, fieldManager: string | undefined, caller: Caller): Promise<KubeObject> {
    const type = patchTypeOf(contentType);
    const current = this.objects.require(PODS, namespace, name);
    const next = type === APPLY_PATCH ? serverSideApply(current, appliedConfiguration(body, name), fieldManager ?? '') : applyPatch(type, current, body);
    return this.report(current, next as PodBody, caller);
  }

  private async report(current: KubeObject, next: PodBody, caller: Caller): Promise<KubeObject> {
    const report = statusReport(current, next);
    const { unknown } = await this.bus.send<{ unknown: string[] }>(COMMANDS.podReportStatus, { reports: [report] }, caller);
    if (unknown.length) throw notFound('pods', report.pod); // removed meanwhile
    return this.objects.require(PODS, report.namespace, report.pod);
  }
}

// DaemonSet writes. The spec service decodes (strictly), validates, defaults and stores; the gateway
// turns every PATCH flavour into the whole new object (patch applied to the object as read) and
// sends it as an update guarded by the version it read, so a concurrent write is a 409, never lost.
import { Injectable } from '@nestjs/common';
import { badRequest, COMMANDS, conflict, KubeStatusError, notFound } from '@everynode/contracts';
import type { DaemonSet } from '@everynode/contracts';
import { type Caller, CommandBus } from '../commands/command-bus.service';
import { nameMismatch } from '../http/kube-errors';
import { APPLY_PATCH, appliedConfiguration, applyPatch, patchNamesVersion, patchTypeOf, resourceVersionOf } from '../http/patch';
import { mediaType, parseObjectBody, PROTOBUF } from '../http/raw-body';
import { serverSideApply, unsupportedMediaType } from '../kube';
import { ClusterView } from '../read-model/cluster-view.service';
import { KINDS, type KubeObject } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';
import { type DeleteOptions, preconditionFailure } from './delete-options';

const DS = KINDS.daemonsets;
const RESOURCE = DS.qualified;
const PATCH_ATTEMPTS = 5;
/** How long a Foreground delete waits for the pods to go before answering anyway. */
const FOREGROUND_WAIT_MS = 30_000;

interface ApplyReply {
  object: DaemonSet;
  outcome: 'created' | 'configured' | 'unchanged';
}

export interface WriteResult {
  object: KubeObject;
  /** 201 when the write created the object. */
  code: 200 | 201;
}

type Manifest = Record<string, unknown>;

const retryable = (error: unknown, reasons: string[]) => error instanceof KubeStatusError && reasons.includes(error.status.reason ?? '');

function manifestOf(body: Buffer, contentType: string | undefined): Manifest {
  if (mediaType(contentType) === PROTOBUF) throw unsupportedMediaType(['application/json', 'application/yaml']);
  return parseObjectBody(body, contentType);
}

@Injectable()
export class DaemonSetWrites {
  constructor(
    private readonly bus: CommandBus,
    private readonly view: ClusterView,
    private readonly objects: KubeObjects,
  ) {}

  async create(namespace: string, body: Buffer, contentType: string | undefined, dryRun: boolean, caller: Caller): Promise<KubeObject> {
    return this.send(namespace, manifestOf(body, contentType), 'create', dryRun, caller);
  }

  /** PUT: the whole object, guarded by the resourceVersion it carries (if any). */
  async replace(namespace: string, name: string, body: Buffer, contentType: string | undefined, dryRun: boolean, caller: Caller): Promise<KubeObject> {
    const manifest = manifestOf(body, contentType);
    return this.update(namespace, name, this.objects.require(DS, namespace, name), manifest, dryRun, caller);
  }

  /**
   * PATCH: merge, strategic merge and JSON patches apply to the object as read; server-side apply
   * also creates a missing object. Retried on a conflict (as the API server retries internally)
   * unless the patch itself named a resourceVersion.
   */
  async patch(
    namespace: string,
    name: string,
    body: Buffer,
    contentType: string | undefined,
    opts: { fieldManager?: string; dryRun: boolean },
    caller: Caller,
  ): Promise<WriteResult> {
    const type = patchTypeOf(contentType);
    if (type === APPLY_PATCH && !opts.fieldManager) throw badRequest('PATCH apply requires the fieldManager query parameter');
    const applied = type === APPLY_PATCH ? appliedConfiguration(body, name) : undefined;
    const patched = (base: object | undefined): Manifest =>
      applied ? (serverSideApply(base, applied, opts.fieldManager!) as Manifest) : applyPatch(type, base!, body);
    for (let attempt = 1; ; attempt++) {
      const current = this.objects.get(DS, namespace, name);
      try {
        if (!current) {
          if (!applied) throw notFound(RESOURCE, name);
          const next = patched(undefined);
          const created = await this.send(namespace, { ...next, metadata: { ...(next.metadata as object), name } }, 'create', opts.dryRun, caller);
          return { object: created, code: 201 };
        }
        return { object: await this.update(namespace, name, current, patched(current), opts.dryRun, caller), code: 200 };
      } catch (error) {
        const again = attempt < PATCH_ATTEMPTS && retryable(error, ['Conflict', 'AlreadyExists']) && !(current && patchNamesVersion(patched, current));
        if (!again) throw error;
        await this.bus.settle(); // read what the winner wrote before patching again
      }
    }
  }

  /** The status is computed from the pods (as the controller would); a written status is accepted and replaced by it. */
  status(namespace: string, name: string): KubeObject {
    return this.objects.require(DS, namespace, name);
  }

  async delete(namespace: string, name: string, options: DeleteOptions, caller: Caller): Promise<KubeObject> {
    const current = this.objects.require(DS, namespace, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== current.metadata.uid) throw preconditionFailure(RESOURCE, name, 'UID', uid, String(current.metadata.uid));
    if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
      throw preconditionFailure(RESOURCE, name, 'ResourceVersion', resourceVersion, String(current.metadata.resourceVersion));
    }
    if (options.dryRun) return current;
    await this.bus.send(COMMANDS.daemonSetDelete, { namespace, name, propagationPolicy: options.propagationPolicy }, caller);
    if (options.propagationPolicy === 'Foreground') await this.podsGone(namespace, String(current.metadata.uid));
    return current;
  }

  /** deletecollection: every DaemonSet of the namespace that the selectors match, one by one. */
  async deleteMatching(namespace: string, matches: (o: KubeObject) => boolean, options: DeleteOptions, caller: Caller): Promise<KubeObject[]> {
    const deleted: KubeObject[] = [];
    for (const ds of this.objects.list(DS, namespace).filter(matches)) {
      try {
        deleted.push(await this.delete(namespace, ds.metadata.name!, options, caller));
      } catch (error) {
        if (!retryable(error, ['NotFound'])) throw error; // deleted meanwhile: fine
      }
    }
    return deleted;
  }

  private async update(namespace: string, name: string, current: KubeObject, next: Manifest, dryRun: boolean, caller: Caller): Promise<KubeObject> {
    const metadata = (next.metadata ?? {}) as { name?: unknown };
    if (metadata.name !== undefined && metadata.name !== name) throw nameMismatch(metadata.name, name);
    const rv = resourceVersionOf(next);
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict(RESOURCE, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const manifest = { ...next, metadata: { ...metadata, name } };
    // The spec service guards with the version of its last spec event (status changes do not move it).
    const specVersion = this.view.daemonSetSpecVersion(namespace, name);
    const reply = await this.bus.send<ApplyReply>(
      COMMANDS.daemonSetApply,
      { manifest, namespace, mode: 'update', resourceVersion: specVersion, dryRun },
      caller,
    );
    if (dryRun) return { ...(reply.object as unknown as KubeObject), status: (current as { status?: unknown }).status } as KubeObject;
    return this.objects.get(DS, namespace, name) ?? (reply.object as unknown as KubeObject);
  }

  private async send(namespace: string, manifest: Manifest, mode: 'create', dryRun: boolean, caller: Caller): Promise<KubeObject> {
    const reply = await this.bus.send<ApplyReply>(COMMANDS.daemonSetApply, { manifest, namespace, mode, dryRun }, caller);
    const name = reply.object.metadata.name!;
    const stored = dryRun ? undefined : this.objects.get(DS, reply.object.metadata.namespace ?? namespace, name);
    return stored ?? ({ ...reply.object, status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 } } as unknown as KubeObject);
  }

  private async podsGone(namespace: string, uid: string): Promise<void> {
    const deadline = Date.now() + FOREGROUND_WAIT_MS;
    const remaining = () => this.view.pods(namespace).some((p) => p.owner?.uid === uid && p.pod.daemonSet !== null);
    while (remaining() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
}

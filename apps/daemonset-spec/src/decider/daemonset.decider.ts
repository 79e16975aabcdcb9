// Pure decisions of the DaemonSet spec service: (the stored DaemonSet, a validated manifest) -> events.
import { alreadyExists, badRequest, conflict, DaemonSetCreated, DaemonSetDeleted, failure, KubeStatusError, notFound } from '@everynode/contracts';
import type { CommandMeta, DaemonSet, EventMetadata, NewEvent, PropagationPolicy } from '@everynode/contracts';
import type { DaemonSetState } from '@everynode/read-models';
import { applyDefaults, invalid, refuseUnstorableText, templateHash, validateDaemonSet } from '../domain';

export interface ApplyInput {
  meta: CommandMeta;
  /** Strict-decoded, not yet validated. */
  manifest: DaemonSet;
  namespace?: string;
  mode: 'create' | 'update' | 'apply';
  resourceVersion?: string;
}

export interface DeciderContext {
  newId: () => string;
  now: () => string;
}

const RESOURCE = 'daemonsets.apps';

export const metadataOf = (meta: CommandMeta): EventMetadata => ({
  causationId: meta.requestId,
  correlationId: meta.requestId,
  actor: meta.actor,
  ...(meta.request ? { request: meta.request } : {}),
});

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, val[k]]))
      : val,
  );

/** The namespace the object lives in: the manifest's, else the request's, else `default`. */
export function resolveNamespace(manifest: DaemonSet, requested?: string): string {
  const own = manifest.metadata?.namespace;
  if (own && requested && own !== requested) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return own || requested || 'default';
}

/**
 * What decideApply checks without the stored object, run before the store is read: an invalid name
 * or namespace never reaches a query, nor does text PostgreSQL cannot hold.
 */
export function checkApply(input: Pick<ApplyInput, 'manifest' | 'namespace'>): void {
  refuseUnstorableText(input.manifest);
  const namespace = resolveNamespace(input.manifest, input.namespace);
  const causes = validateDaemonSet(applyDefaults({ ...input.manifest, metadata: { ...input.manifest.metadata, namespace } }));
  if (causes.length) throw invalid('DaemonSet', input.manifest.metadata?.name ?? '', 'apps', causes);
}

export function decideApply(state: DaemonSetState, input: ApplyInput, ctx: DeciderContext): NewEvent<'DaemonSetCreated' | 'DaemonSetUpdated', DaemonSetCreated>[] {
  const namespace = resolveNamespace(input.manifest, input.namespace);
  const name = input.manifest.metadata?.name ?? '';
  const old = state.record;
  const defaulted = applyDefaults({ ...input.manifest, metadata: { ...input.manifest.metadata, namespace } });
  const causes = validateDaemonSet(defaulted, old?.object);
  if (causes.length) throw invalid('DaemonSet', name, 'apps', causes);
  checkSize(defaulted); // after validation, as the API server meets etcd's limit only when storing

  if (!old) {
    if (input.mode === 'update') throw notFound(RESOURCE, name);
    const hash = templateHash(defaulted.spec.template);
    const object = storedObject(defaulted, { uid: ctx.newId(), generation: 1, creationTimestamp: ctx.now() });
    return [
      {
        eventId: ctx.newId(),
        type: 'DaemonSetCreated',
        data: { namespace, name, uid: object.metadata.uid!, generation: 1, templateHash: hash, revision: 1, object },
        metadata: metadataOf(input.meta),
      },
    ];
  }
  if (input.mode === 'create') throw alreadyExists(RESOURCE, name);
  // resourceVersions are log positions. The API shows a DaemonSet at the position of its last change, spec
  // or status (status moves with its pods), so a caller is current when it read at or after the last spec change.
  if (input.resourceVersion && !(Number(input.resourceVersion) >= Number(old.resourceVersion))) {
    throw conflict(RESOURCE, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }

  const specChanged = canonical(defaulted.spec) !== canonical(old.object.spec);
  const metaChanged =
    canonical(defaulted.metadata.labels ?? {}) !== canonical(old.object.metadata.labels ?? {}) ||
    canonical(defaulted.metadata.annotations ?? {}) !== canonical(old.object.metadata.annotations ?? {});
  if (!specChanged && !metaChanged) return [];

  const generation = (old.object.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  const hash = templateHash(defaulted.spec.template);
  const latest = Math.max(...old.revisions.map((r) => r.revision));
  // A template seen before keeps its hash (pods running it are not restarted) and becomes the newest revision.
  const revision = hash === old.templateHash ? old.revision : latest + 1;
  const object = storedObject(defaulted, {
    uid: old.object.metadata.uid!,
    generation,
    creationTimestamp: old.object.metadata.creationTimestamp!,
  });
  return [
    {
      eventId: ctx.newId(),
      type: 'DaemonSetUpdated',
      data: { namespace, name, uid: object.metadata.uid!, generation, templateHash: hash, revision, object },
      metadata: metadataOf(input.meta),
    },
  ];
}

/**
 * The largest DaemonSet stored (as JSON; the stored object adds only its uid, generation and
 * timestamp). Every event travels whole in one NATS message (the relay publishes it; the server's
 * default max_payload is 1 MiB), and an event the relay cannot publish would hold up every later
 * one. etcd's own limit plays this part in Kubernetes.
 */
export const MAX_OBJECT_BYTES = 768 * 1024;

/** Checked before hashing the template, the expensive part for a huge object. */
function checkSize(ds: DaemonSet): void {
  const size = Buffer.byteLength(JSON.stringify(ds));
  if (size > MAX_OBJECT_BYTES) {
    throw new KubeStatusError(failure(413, 'RequestEntityTooLarge', `Request entity too large: the DaemonSet is ${size} bytes, the limit is ${MAX_OBJECT_BYTES}`));
  }
}

function storedObject(ds: DaemonSet, system: { uid: string; generation: number; creationTimestamp: string }): DaemonSet {
  const { resourceVersion: _rv, deletionTimestamp: _dt, managedFields: _mf, ...metadata } = ds.metadata;
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { ...metadata, ...system }, spec: ds.spec };
}

export function decideDelete(
  state: DaemonSetState,
  input: { meta: CommandMeta; namespace: string; name: string; propagationPolicy?: PropagationPolicy },
  ctx: Pick<DeciderContext, 'newId'>,
): NewEvent<'DaemonSetDeleted', DaemonSetDeleted>[] {
  if (!state.record) throw notFound(RESOURCE, input.name);
  const policy = input.propagationPolicy ?? 'Background';
  if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy ${JSON.stringify(policy)} is not supported: use Background, Foreground or Orphan`);
  }
  return [
    {
      eventId: ctx.newId(),
      type: 'DaemonSetDeleted',
      data: { namespace: input.namespace, name: input.name, uid: state.record.object.metadata.uid!, propagationPolicy: policy },
      metadata: metadataOf(input.meta),
    },
  ];
}

export type { DaemonSetState };

// DeleteOptions from the body (what kubectl sends) and the query, with upstream's defaults.
import { badRequest, failure, KubeStatusError } from '@everynode/contracts';
import type { PropagationPolicy } from '@everynode/contracts';
import { parseJsonBody } from '../http/raw-body';

export interface DeleteOptions {
  propagationPolicy: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const POLICIES: PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

const jsonKind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);

/** A field of the wrong JSON type is the decoder's 400, before anything uses it (an object is no string). */
function typed<T>(value: unknown, is: (v: unknown) => boolean, field: string, goType: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!is(value)) throw badRequest(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${field} of type ${goType}`);
  return value as T;
}
const isString = (v: unknown) => typeof v === 'string';

export function parseDeleteOptions(body: Buffer, query: URLSearchParams): DeleteOptions {
  const options = body.toString('utf8').trim() ? parseJsonBody(body) : {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw badRequest('DeleteOptions must be a JSON object');
  const raw = options as Record<string, unknown>;
  const pre = typed<Record<string, unknown>>(raw.preconditions, (v) => typeof v === 'object' && !Array.isArray(v), 'DeleteOptions.preconditions', 'v1.Preconditions');
  const o = {
    propagationPolicy: typed<string>(raw.propagationPolicy, isString, 'DeleteOptions.propagationPolicy', 'v1.DeletionPropagation'),
    orphanDependents: typed<boolean>(raw.orphanDependents, (v) => typeof v === 'boolean', 'DeleteOptions.orphanDependents', 'bool'),
    dryRun: typed<unknown[]>(raw.dryRun, Array.isArray, 'DeleteOptions.dryRun', '[]string'),
    preconditions: pre && {
      uid: typed<string>(pre.uid, isString, 'Preconditions.preconditions.uid', 'types.UID'),
      resourceVersion: typed<string>(pre.resourceVersion, isString, 'Preconditions.preconditions.resourceVersion', 'string'),
    },
  };
  const orphan = o.orphanDependents ?? (query.has('orphanDependents') ? query.get('orphanDependents') === 'true' : undefined);
  let policy = (o.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy !== undefined && orphan !== undefined) {
    throw badRequest('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set');
  }
  if (policy === undefined) policy = orphan === true ? 'Orphan' : 'Background'; // apps/v1 defaults to Background
  if (!POLICIES.includes(policy as PropagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const dryRun = (Array.isArray(o.dryRun) && o.dryRun.includes('All')) || query.getAll('dryRun').includes('All');
  const { preconditions } = o;
  return { propagationPolicy: policy as PropagationPolicy, dryRun, ...(preconditions ? { preconditions } : {}) };
}

/** 409 when a delete's precondition does not hold, worded as upstream. */
export const preconditionFailure = (resource: string, name: string, field: 'UID' | 'ResourceVersion', wanted: string, actual: string) =>
  new KubeStatusError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${actual}`, {
      name,
      group: 'apps',
      kind: resource.split('.')[0],
    }),
  );

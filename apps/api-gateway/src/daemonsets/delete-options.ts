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

export function parseDeleteOptions(body: Buffer, query: URLSearchParams): DeleteOptions {
  const options = body.toString('utf8').trim() ? parseJsonBody(body) : {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw badRequest('DeleteOptions must be a JSON object');
  const o = options as { propagationPolicy?: unknown; orphanDependents?: unknown; preconditions?: unknown; dryRun?: unknown };
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
  const preconditions = o.preconditions && typeof o.preconditions === 'object' ? (o.preconditions as DeleteOptions['preconditions']) : undefined;
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

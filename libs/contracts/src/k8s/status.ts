// Kubernetes Status errors, shared by every service so that kubectl prints what its users know.
import type { KubeStatus, StatusCause } from './objects';

export class KubeStatusError extends Error {
  constructor(public readonly status: KubeStatus) {
    super(status.message);
    this.name = 'KubeStatusError';
  }
}

export function failure(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `resource` as kubectl prints it: `daemonsets.apps`, `nodes`, `pods`. */
const detailsOf = (resource: string, name: string) => {
  const [kindPlural, group] = resource.split('.', 2);
  return { name, ...(group ? { group } : {}), kind: kindPlural };
};

export const notFound = (resource: string, name: string) =>
  new KubeStatusError(failure(404, 'NotFound', `${resource} "${name}" not found`, detailsOf(resource, name)));

export const alreadyExists = (resource: string, name: string) =>
  new KubeStatusError(failure(409, 'AlreadyExists', `${resource} "${name}" already exists`, detailsOf(resource, name)));

export const conflict = (resource: string, name: string, why: string) =>
  new KubeStatusError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, detailsOf(resource, name)),
  );

export const badRequest = (message: string) => new KubeStatusError(failure(400, 'BadRequest', message));

export const serviceUnavailable = (message: string) => new KubeStatusError(failure(503, 'ServiceUnavailable', message));

export const internalError = (message: string) => new KubeStatusError(failure(500, 'InternalError', message));

/** True when a value that crossed NATS is a Kubernetes Status. */
export const isKubeStatus = (value: unknown): value is KubeStatus =>
  typeof value === 'object' && value !== null && (value as KubeStatus).kind === 'Status' && typeof (value as KubeStatus).code === 'number';

export type { StatusCause };

/** The Status a call refused with (for tests and tools): throws when the call succeeded or failed otherwise. */
export function statusThrownBy(fn: () => unknown): KubeStatus {
  try {
    fn();
  } catch (error) {
    if (error instanceof KubeStatusError) return error.status;
    throw error;
  }
  throw new Error('expected a KubeStatusError, but the call succeeded');
}

// Kubernetes Status errors. The shared ones live in @everynode/contracts (one KubeStatusError class,
// so the RPC filter recognises every thrown status); the ones only the spec service needs are here.
import { failure, KubeStatusError, type StatusCause } from '@everynode/contracts';

export { alreadyExists, badRequest, conflict, KubeStatusError, notFound } from '@everynode/contracts';

/**
 * errors.NewInvalid: `<Kind>.<group> "<name>" is invalid: <causes>`, the causes aggregated as
 * utilerrors does it: duplicates dropped, a single one bare, several in brackets joined by ", ".
 */
export function invalid(kind: string, name: string, group: string, causes: StatusCause[]): KubeStatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const messages = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)))];
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const message = messages.length ? `${qualifiedKind} "${name}" is invalid: ${aggregate}` : `${qualifiedKind} "${name}" is invalid`;
  const details = {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, ...(c.field ? { field: c.field } : {}) })),
  };
  return new KubeStatusError(failure(422, 'Invalid', message, details));
}

const ACCEPTED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/apply-patch+yaml'];

/** negotiation.NewUnsupportedMediaTypeError. */
export function unsupportedMediaType(accepted: string[] = ACCEPTED_MEDIA_TYPES): KubeStatusError {
  return new KubeStatusError(
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  );
}

/** errors.NewInternalError. */
export function internal(message: string): KubeStatusError {
  return new KubeStatusError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

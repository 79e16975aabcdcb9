// Kubernetes Status errors the gateway answers with, worded as the API server words them.
import { failure, KubeStatusError } from '@everynode/contracts';

export {
  alreadyExists, badRequest, conflict, failure, internalError, isKubeStatus, KubeStatusError, notFound, serviceUnavailable, statusThrownBy,
} from '@everynode/contracts';

/** 401 for a missing or rejected token. */
export const unauthorized = () => new KubeStatusError(failure(401, 'Unauthorized', 'Unauthorized'));

export interface ResourceAttributes {
  user: string;
  verb: string;
  /** The resource without its group: `daemonsets`, `pods`. */
  resource: string;
  /** The API group, `''` for core. */
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  user: string;
  verb: string;
  path: string;
}

/**
 * 403 as the authorizer reports it, e.g. `daemonsets.apps is forbidden: User "viewer" cannot create
 * resource "daemonsets" in API group "apps" in the namespace "default"`.
 */
export function forbidden(attributes: ResourceAttributes | NonResourceAttributes, reason?: string): KubeStatusError {
  const user = JSON.stringify(attributes.user);
  if ('path' in attributes) {
    const why = `User ${user} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
    return new KubeStatusError(failure(403, 'Forbidden', `forbidden: ${withReason(why, reason)}`, {}));
  }
  const { verb, resource, group, subresource, namespace, name } = attributes;
  const target = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace ? `in the namespace ${JSON.stringify(namespace)}` : 'at the cluster scope';
  const why = `User ${user} cannot ${verb} resource ${JSON.stringify(target)} in API group ${JSON.stringify(group)} ${scope}`;
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} ${JSON.stringify(name)}` : qualified;
  return new KubeStatusError(
    failure(403, 'Forbidden', `${subject} is forbidden: ${withReason(why, reason)}`, { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource }),
  );
}

const withReason = (message: string, reason: string | undefined) => (reason ? `${message}: ${reason}` : message);

/** 405 for a verb a resource does not serve, e.g. `create is not supported on resources of kind "pods"`. */
export function methodNotAllowed(action: string, resource: string, group = ''): KubeStatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new KubeStatusError(
    failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${JSON.stringify(qualified)}`, { ...(group ? { group } : {}), kind: resource }),
  );
}

/** The body types a write accepts, as listed in a 415. */
export const ACCEPTED_BODY_TYPES: readonly string[] = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The patch types PATCH accepts. */
export const PATCH_TYPES: readonly string[] = [
  'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml',
];

/** 415 for a body in a format the endpoint does not read. */
export function unsupportedMediaType(accepted: readonly string[] = ACCEPTED_BODY_TYPES): KubeStatusError {
  return new KubeStatusError(
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  );
}

/** 400 for `fieldValidation=Strict` and unknown fields: `strict decoding error: unknown field "spec.foo"`. */
export function strictDecoding(unknownFields: readonly string[]): KubeStatusError {
  const errors = unknownFields.map((field) => `unknown field ${JSON.stringify(field)}`);
  return new KubeStatusError(failure(400, 'BadRequest', `strict decoding error: ${errors.join(', ')}`));
}

// What a node token may do over the HTTPS API, as Kubernetes' Node authorizer (with AuthorizeNodeWithSelectors,
// on by default since 1.32) and NodeRestriction admission allow a kubelet: read and write its own Node (and its
// status: the heartbeat), read the pods bound to it — lists and watches only with `spec.nodeName=<own>` — and
// report their status. Nothing else. The wording of each refusal is the API server's.
import { failure, KubeStatusError } from '@everynode/contracts';
import type { RequestInfo } from '../http/request-info';
import { forbidden, parseFieldSelector } from '../kube';
import { Refusal } from './refusal';

/** Where a pod runs, from the read model; undefined when there is no such pod. */
export type PodNodeLookup = (namespace: string, name: string) => string | undefined;

/** Discovery and version: what system:discovery grants every authenticated user. */
const DISCOVERY = /^\/(api|apis|openapi)(\/.*)?$|^\/version\/?$/;

/** An admission refusal: `nodes "b" is forbidden: node "a" is not allowed to modify node "b"`. */
export function admissionForbidden(resource: string, name: string, message: string): KubeStatusError {
  return new KubeStatusError(failure(403, 'Forbidden', `${resource} "${name}" is forbidden: ${message}`, { name, kind: resource }));
}

/** Whether the URL's fieldSelector requires `field` to equal `value` (an unparseable selector requires nothing). */
function selects(url: string, field: string, value: string): boolean {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  try {
    return parseFieldSelector(new URLSearchParams(query).get('fieldSelector') ?? '').some((r) => r.field === field && r.operator === '=' && r.value === value);
  } catch {
    return false;
  }
}

/** Past its own node (`node_restriction`), as opposed to outside what kubelets may do at all (`role`). */
const scoped = (error: KubeStatusError) => new Refusal('node_restriction', error);

/** null when allowed; the 403 otherwise. `node` is the token's node, `user` its name. */
export function authorizeNodeRequest(user: string, node: string, info: RequestInfo, url: string, podNode: PodNodeLookup): Refusal | null {
  const path = url.split('?', 1)[0];
  if (!info.isResourceRequest) {
    return ['get', 'head'].includes(info.verb) && DISCOVERY.test(path) ? null : new Refusal('role', forbidden({ user, verb: info.verb, path }));
  }
  const attributes = {
    user,
    verb: info.verb,
    resource: info.resource ?? '',
    group: info.group,
    subresource: info.subresource,
    namespace: info.resource === 'namespaces' ? undefined : info.namespace,
    name: info.name,
  };
  const { verb, name, subresource = '' } = info;
  if (info.group === '' && info.resource === 'nodes' && ['', 'status'].includes(subresource)) {
    if (['get', 'list', 'watch'].includes(verb)) {
      if (name === node || (!name && verb !== 'get' && selects(url, 'metadata.name', node))) return null;
      return scoped(forbidden(attributes, name ? `node '${node}' cannot read '${name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`));
    }
    // A kubelet registers itself (the body names the node: NodeRestriction is checked by the write).
    if (verb === 'create' && !subresource) return null;
    if (verb === 'update' || verb === 'patch') {
      return name === node ? null : scoped(admissionForbidden('nodes', name ?? '', `node "${node}" is not allowed to modify node "${name ?? ''}"`));
    }
  }
  if (info.group === '' && info.resource === 'pods') {
    const bound = name && info.namespace ? podNode(info.namespace, name) : undefined;
    if (!subresource && (verb === 'list' || verb === 'watch')) {
      if (selects(url, 'spec.nodeName', node) || (name && bound === node)) return null;
      return scoped(forbidden(attributes, 'can only list/watch pods with spec.nodeName field selector'));
    }
    if (verb === 'get' && (!subresource || subresource === 'status')) {
      return bound === node ? null : scoped(forbidden(attributes, `no relationship found between node '${node}' and this object`));
    }
    if (subresource === 'status' && (verb === 'update' || verb === 'patch')) {
      // A pod that does not exist is the handler's 404, as the API server answers before admission.
      if (bound === undefined || bound === node) return null;
      return scoped(admissionForbidden('pods', name!, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`));
    }
  }
  return new Refusal('role', forbidden(attributes));
}

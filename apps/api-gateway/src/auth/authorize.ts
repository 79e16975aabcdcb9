// Who may do what over the HTTPS API, decided before the request is served: admin everything, viewer
// get/list/watch (and discovery), node what the Node authorizer allows a kubelet (node-authorizer.ts).
import { requestInfo } from '../http/request-info';
import { forbidden } from '../kube';
import { authorizeNodeRequest, type PodNodeLookup } from './node-authorizer';
import { Refusal } from './refusal';
import type { User } from './tokens';

const READ_VERBS = new Set(['get', 'list', 'watch']);

const noPods: PodNodeLookup = () => undefined;

/** null when `user` may send this request; the 403 (with why it is counted) otherwise. */
export function authorize(user: User, method: string, url: string, podNode: PodNodeLookup = noPods): Refusal | null {
  if (user.role === 'admin') return null;
  const info = requestInfo(method, url);
  if (user.role === 'node') return authorizeNodeRequest(user.name, user.node!, info, url, podNode);
  if (!info.isResourceRequest) {
    return ['get', 'head'].includes(info.verb) ? null : new Refusal('role', forbidden({ user: user.name, verb: info.verb, path: url.split('?', 1)[0] }));
  }
  if (READ_VERBS.has(info.verb)) return null;
  return new Refusal(
    'role',
    forbidden({
      user: user.name,
      verb: info.verb,
      resource: info.resource ?? '',
      group: info.group,
      subresource: info.subresource,
      namespace: info.resource === 'namespaces' ? undefined : info.namespace,
      name: info.name,
    }),
  );
}

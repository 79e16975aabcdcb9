// The node-token rules of the HTTPS API (node-authorizer.ts, node-restriction.ts) for the everynode.v1 gRPC
// API: a node may join and update its own Node (not its taints), get and watch it, and list and watch the
// pods bound to it (the `node` filter is its `spec.nodeName` field selector). Nothing else.
import { failure, KubeStatusError } from '@everynode/contracts';
import type { NodeRecord, Taint } from '@everynode/contracts';
import { admitNodeWrite } from './node-restriction';
import { Refusal } from './refusal';

interface NodeCallRequest {
  name?: string;
  node?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value: string; effect: string }[];
  updateMask?: { paths: string[] } | null;
}

const denied = (user: string, node: string, method: string, reason?: string) =>
  new KubeStatusError(failure(403, 'Forbidden', `user "${user}" (node ${node}) cannot call ${method}${reason ? `: ${reason}` : ''}`));

const taints = (list: NodeCallRequest['taints']): Taint[] =>
  (list ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect as Taint['effect'] }));

/** null when the node token of `user` (for `node`) may call `method` with `request`; the 403 otherwise. */
export function authorizeNodeCall(
  user: string,
  node: string,
  method: string,
  request: NodeCallRequest,
  currentNode: (name: string) => NodeRecord | undefined,
): Refusal | null {
  const scoped = (reason: string) => new Refusal('node_restriction', denied(user, node, method, reason));
  const readOwn = (name: string | undefined) =>
    name === node ? null : scoped(name ? `node '${node}' cannot read '${name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`);
  const admitted = (refusal: Refusal | null) => refusal && new Refusal('node_restriction', denied(user, node, method, refusal.status.message));
  switch (method) {
    case '/everynode.v1.NodeRegistry/Get':
    case '/everynode.v1.NodeRegistry/Watch':
    case '/everynode.v1.NodeRegistry/List':
      return readOwn(request.name);
    case '/everynode.v1.NodeRegistry/Join':
      return admitted(admitNodeWrite(node, request.name ?? '', undefined, { labels: request.labels ?? {}, taints: taints(request.taints) }));
    case '/everynode.v1.NodeRegistry/Update': {
      const name = request.name ?? '';
      const current = currentNode(name);
      const paths = request.updateMask?.paths?.length ? request.updateMask.paths : ['labels', 'taints'];
      const next = current && {
        labels: paths.includes('labels') ? (request.labels ?? {}) : current.labels,
        taints: paths.includes('taints') ? taints(request.taints) : current.taints,
      };
      // An unknown node is the service's NOT_FOUND; only its name is checked then.
      return admitted(admitNodeWrite(node, name, current, next ?? { labels: {}, taints: [] }));
    }
    case '/everynode.v1.Pods/List':
    case '/everynode.v1.Pods/Watch':
      return request.node === node ? null : scoped('can only list/watch pods with spec.nodeName field selector');
    default:
      return new Refusal('role', denied(user, node, method));
  }
}

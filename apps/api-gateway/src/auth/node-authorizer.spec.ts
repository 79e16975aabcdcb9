import type { NodeRecord } from '@everynode/contracts';
import { authorize } from './authorize';
import { authorizeNodeCall } from './grpc-node-authorizer';
import { admitNodeWrite } from './node-restriction';

const NODE = { name: 'system:node:n1', role: 'node' as const, node: 'n1' };
const PODS: Record<string, string> = { 'ns/mine': 'n1', 'ns/theirs': 'n2' };
const podNode = (namespace: string, name: string) => PODS[`${namespace}/${name}`];
const check = (method: string, url: string) => authorize(NODE, method, url, podNode);

describe('a node token over HTTPS (Node authorizer and NodeRestriction)', () => {
  it('reads and writes only its own Node, and its status', () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nodes/n1'],
      ['GET', '/api/v1/nodes/n1/status'],
      ['GET', '/api/v1/watch/nodes/n1'],
      ['GET', '/api/v1/nodes?fieldSelector=metadata.name%3Dn1&watch=true'],
      ['PATCH', '/api/v1/nodes/n1'],
      ['PATCH', '/api/v1/nodes/n1/status'],
      ['PUT', '/api/v1/nodes/n1/status'],
      ['POST', '/api/v1/nodes'],
      ['GET', '/api'],
      ['GET', '/apis/apps/v1'],
      ['GET', '/version'],
    ]) {
      expect([method, url, check(method, url)]).toEqual([method, url, null]);
    }
    expect(check('GET', '/api/v1/nodes')).toMatchObject({
      reason: 'node_restriction',
      status: {
        code: 403,
        message: 'nodes is forbidden: User "system:node:n1" cannot list resource "nodes" in API group "" at the cluster scope: node \'n1\' cannot read all nodes, only its own Node object',
      },
    });
    expect(check('GET', '/api/v1/nodes/n2')!.status.message).toBe(
      'nodes "n2" is forbidden: User "system:node:n1" cannot get resource "nodes" in API group "" at the cluster scope: node \'n1\' cannot read \'n2\', only its own Node object',
    );
    expect(check('PATCH', '/api/v1/nodes/n2')!.status.message).toBe('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
    expect(check('PATCH', '/api/v1/nodes/n2/status')!.reason).toBe('node_restriction');
    expect(check('DELETE', '/api/v1/nodes/n1')).toMatchObject({ reason: 'role', status: { code: 403 } });
  });

  it('lists and watches pods only with spec.nodeName=<own>, gets only pods bound to it', () => {
    expect(check('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')).toBeNull();
    expect(check('GET', '/api/v1/namespaces/ns/pods?fieldSelector=spec.nodeName%3D%3Dn1&watch=true')).toBeNull();
    expect(check('GET', '/api/v1/namespaces/ns/pods/mine')).toBeNull();
    expect(check('GET', '/api/v1/namespaces/ns/pods/mine/status')).toBeNull();
    expect(check('GET', '/api/v1/pods')!.status.message).toBe(
      'pods is forbidden: User "system:node:n1" cannot list resource "pods" in API group "" at the cluster scope: can only list/watch pods with spec.nodeName field selector',
    );
    expect(check('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn2&watch=1')!.reason).toBe('node_restriction');
    expect(check('GET', '/api/v1/pods?fieldSelector=spec.nodeName!%3Dn1')!.reason).toBe('node_restriction');
    expect(check('GET', '/api/v1/namespaces/ns/pods/theirs')!.status.message).toBe(
      'pods "theirs" is forbidden: User "system:node:n1" cannot get resource "pods" in API group "" in the namespace "ns": no relationship found between node \'n1\' and this object',
    );
  });

  it('reports status only for pods bound to it; deletes, creates and everything else are outside the role', () => {
    expect(check('PATCH', '/api/v1/namespaces/ns/pods/mine/status')).toBeNull();
    expect(check('PUT', '/api/v1/namespaces/ns/pods/mine/status')).toBeNull();
    expect(check('PATCH', '/api/v1/namespaces/ns/pods/gone/status')).toBeNull(); // the handler's 404
    expect(check('PATCH', '/api/v1/namespaces/ns/pods/theirs/status')!.status.message).toBe(
      'pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself',
    );
    expect(check('DELETE', '/api/v1/namespaces/ns/pods/mine')!.reason).toBe('role');
    expect(check('PATCH', '/api/v1/namespaces/ns/pods/mine')!.reason).toBe('role');
    expect(check('GET', '/apis/apps/v1/daemonsets')!.status.message).toBe(
      'daemonsets.apps is forbidden: User "system:node:n1" cannot list resource "daemonsets" in API group "apps" at the cluster scope',
    );
    expect(check('GET', '/api/v1/namespaces')!.reason).toBe('role');
    expect(check('GET', '/metrics')!.status.message).toBe('forbidden: User "system:node:n1" cannot get path "/metrics"');
    expect(check('GET', '/audit/v1/events')!.reason).toBe('role');
  });

  it('may not change its taints or restricted labels, nor write another node', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const current = { labels: { a: '1', 'node-restriction.kubernetes.io/zone': 'x' }, taints: [taint] };
    expect(admitNodeWrite(undefined, 'n2', current, { labels: {}, taints: [] })).toBeNull(); // a user, not a node
    expect(admitNodeWrite('n1', 'n1', current, { ...current, labels: { ...current.labels, b: '2' } })).toBeNull();
    expect(admitNodeWrite('n1', 'n1', current, { ...current, taints: [] })!.status.message).toBe('nodes "n1" is forbidden: node "n1" is not allowed to modify taints');
    expect(admitNodeWrite('n1', 'n1', current, { ...current, labels: { a: '1' } })!.status.message).toBe(
      'nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/zone',
    );
    expect(admitNodeWrite('n1', 'n2', undefined, { labels: {}, taints: [] })!.status.message).toBe('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
    expect(admitNodeWrite('n1', 'n1', undefined, { labels: { 'node-restriction.kubernetes.io/x': 'y' }, taints: [taint] })!.reason).toBe('node_restriction');
    expect(admitNodeWrite('n1', 'n1', undefined, { labels: { a: '1' }, taints: [taint] })).toBeNull(); // --register-with-taints
  });
});

describe('a node token over gRPC', () => {
  const n1 = { name: 'n1', labels: {}, taints: [{ key: 'k', value: '', effect: 'NoSchedule' }] } as unknown as NodeRecord;
  const call = (method: string, request: object) => authorizeNodeCall('system:node:n1', 'n1', `/everynode.v1.${method}`, request, (name) => (name === 'n1' ? n1 : undefined));

  it('joins, updates, gets and watches its own Node; lists and watches its pods', () => {
    expect(call('NodeRegistry/Join', { name: 'n1', labels: {}, taints: [] })).toBeNull();
    expect(call('NodeRegistry/Update', { name: 'n1', labels: { a: 'b' }, taints: [], updateMask: { paths: ['labels'] } })).toBeNull();
    expect(call('NodeRegistry/Get', { name: 'n1' })).toBeNull();
    expect(call('NodeRegistry/Watch', { name: 'n1' })).toBeNull();
    expect(call('Pods/List', { node: 'n1' })).toBeNull();
    expect(call('Pods/Watch', { node: 'n1', namespace: 'ns' })).toBeNull();
  });

  it('refuses the rest, with the reasons of the HTTPS API', () => {
    expect(call('NodeRegistry/Join', { name: 'n2' })!.status.message).toBe(
      'user "system:node:n1" (node n1) cannot call /everynode.v1.NodeRegistry/Join: nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
    );
    expect(call('NodeRegistry/Update', { name: 'n1', labels: {}, taints: [], updateMask: null })!.status.message).toContain('is not allowed to modify taints');
    expect(call('NodeRegistry/List', {})!.status.message).toContain("node 'n1' cannot read all nodes, only its own Node object");
    expect(call('NodeRegistry/Watch', {})!.reason).toBe('node_restriction');
    expect(call('Pods/List', {})!.status.message).toContain('can only list/watch pods with spec.nodeName field selector');
    expect(call('Pods/Watch', { node: 'n2' })!.reason).toBe('node_restriction');
    expect(call('NodeRegistry/Leave', { name: 'n1' })).toMatchObject({ reason: 'role', status: { code: 403 } });
    expect(call('DaemonSets/List', {})!.reason).toBe('role');
    expect(call('Audit/StreamEvents', {})!.reason).toBe('role');
  });
});

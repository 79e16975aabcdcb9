// Issue 6, item 11: the gRPC API (hosted by the gateway process) enforces the same tokens and roles as HTTPS.
// A node token joins and updates its own Node (not its taints), reads and watches it, and lists and watches
// the pods bound to it; everything else is PERMISSION_DENIED, logged and counted like an HTTPS refusal.
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '../../apps/api-gateway/src/auth/tokens';
import { statusFromMetadata } from '../../apps/api-gateway/src/grpc';
import { GatewayTestbed, LIBERATOR } from '../gateway/support/gateway-testbed';
import { waitFor } from '../support/stack';
import { call, collect, everynodeClients, failure } from '../grpc/support/grpc-client';

describe('node tokens over gRPC', () => {
  let bed: GatewayTestbed;
  let clients: ReturnType<typeof everynodeClients>;
  let kubelet: string; // node token of k8s-node03, which has not joined yet
  let viewer: string;
  let admin: string;

  const denied = async (promise: Promise<unknown>, message?: string) => {
    const error = await failure(promise);
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(statusFromMetadata(error.metadata)).toMatchObject({ code: 403, reason: 'Forbidden' });
    if (message) expect(error.details).toBe(message);
  };

  beforeAll(async () => {
    bed = await GatewayTestbed.start('sec_grpc');
    await Promise.all([bed.join('k8s-node01'), bed.join('k8s-node02')]);
    await bed.ok(['create', 'namespace', 'tkr-system']);
    const tokens = join(bed.stack.gatewayHome, 'tokens.json');
    kubelet = issueToken(tokens, 'system:node:k8s-node03', 'node', 'k8s-node03');
    viewer = issueToken(tokens, 'victor', 'viewer');
    admin = bed.adminToken;
    clients = everynodeClients(`127.0.0.1:${bed.stack.ports.get('api-gateway-grpc')}`, bed.caPem);
    await call(clients.daemonSets, 'Apply', { manifestText: readFileSync(LIBERATOR, 'utf8') }, admin);
  }, 60_000);
  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.close();
    await bed?.teardown();
  });

  it('lets a node token join as its node and read it, and see the pod placed on it', async () => {
    const joined = await call(clients.nodes, 'Join', { name: 'k8s-node03', labels: { 'topology.kubernetes.io/zone': 'z3' } }, kubelet);
    expect(joined).toMatchObject({ name: 'k8s-node03' });
    expect(await call(clients.nodes, 'Get', { name: 'k8s-node03' }, kubelet)).toMatchObject({ name: 'k8s-node03' });
    const pods = await waitFor('the DaemonSet pod on k8s-node03', async () => {
      const { items } = await call(clients.pods, 'List', { node: 'k8s-node03' }, kubelet);
      return items.length === 1 && items;
    });
    expect(pods[0]).toMatchObject({ node: 'k8s-node03', daemonSet: 'liberator' });
    const watch = collect(clients.nodes, 'Watch', { name: 'k8s-node03' }, kubelet);
    await watch.until('its node', (items) => items.some((e) => e.object?.name === 'k8s-node03'));
    watch.cancel();
    const updated = await call(clients.nodes, 'Update', { name: 'k8s-node03', labels: { rack: 'r1' }, updateMask: { paths: ['labels'] } }, kubelet);
    expect(updated.labels).toEqual({ rack: 'r1' });
  });

  it('refuses it every other node, every other pod, its taints and every other service', async () => {
    await denied(
      call(clients.nodes, 'Get', { name: 'k8s-node01' }, kubelet),
      `user "system:node:k8s-node03" (node k8s-node03) cannot call /everynode.v1.NodeRegistry/Get: node 'k8s-node03' cannot read 'k8s-node01', only its own Node object`,
    );
    await denied(call(clients.nodes, 'List', {}, kubelet));
    await denied(
      call(clients.nodes, 'Join', { name: 'k8s-node04' }, kubelet),
      'user "system:node:k8s-node03" (node k8s-node03) cannot call /everynode.v1.NodeRegistry/Join: nodes "k8s-node04" is forbidden: node "k8s-node03" is not allowed to modify node "k8s-node04"',
    );
    await denied(call(clients.nodes, 'Update', { name: 'k8s-node01', labels: { a: 'b' }, updateMask: { paths: ['labels'] } }, kubelet));
    const taint = { key: 'dedicated', value: 'mine', effect: 'NoSchedule' };
    const taints = failure(call(clients.nodes, 'Update', { name: 'k8s-node03', taints: [taint], updateMask: { paths: ['taints'] } }, kubelet));
    expect((await taints).details).toContain('node "k8s-node03" is not allowed to modify taints');
    await denied(call(clients.nodes, 'Leave', { name: 'k8s-node03' }, kubelet));
    await denied(
      call(clients.pods, 'List', { namespace: 'tkr-system' }, kubelet),
      'user "system:node:k8s-node03" (node k8s-node03) cannot call /everynode.v1.Pods/List: can only list/watch pods with spec.nodeName field selector',
    );
    await expect(collect(clients.pods, 'Watch', { node: 'k8s-node01' }, kubelet).finished()).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await denied(call(clients.daemonSets, 'List', {}, kubelet));
    await denied(call(clients.daemonSets, 'Apply', { manifestText: 'x' }, kubelet));
    await expect(collect(clients.audit, 'StreamEvents', { fromPosition: 0 }, kubelet).finished()).rejects.toMatchObject({ code: status.PERMISSION_DENIED });

    // Still a viewer reads all and writes nothing; an admin does anything.
    expect((await call(clients.nodes, 'List', {}, viewer)).items).toHaveLength(3);
    await denied(call(clients.nodes, 'Leave', { name: 'k8s-node03' }, viewer));
    expect(await call(clients.nodes, 'Update', { name: 'k8s-node03', taints: [taint], updateMask: { paths: ['taints'] } }, admin)).toMatchObject({
      taints: [taint],
    });
  });

  it('counts and logs gRPC refusals with the HTTPS ones', async () => {
    expect((await failure(call(clients.nodes, 'List', {}, 'not-a-token'))).code).toBe(status.UNAUTHENTICATED);
    const metrics = (await bed.request('GET', '/metrics')).text;
    const count = (labels: string) => Number(new RegExp(`^everynode_auth_refusals_total\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('code="403",reason="node_restriction"')).toBeGreaterThanOrEqual(7);
    expect(count('code="403",reason="role"')).toBeGreaterThanOrEqual(5);
    expect(count('code="401",reason="invalid_token"')).toBeGreaterThanOrEqual(1);
    const refusals = readFileSync(join(bed.stack.logDir, 'api-gateway.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('auth.refused'))
      .map((line) => JSON.parse(line).message);
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: 'system:node:k8s-node03', verb: 'List', path: '/everynode.v1.NodeRegistry/List', reason: 'node_restriction', code: 403 }),
        expect.objectContaining({ user: 'victor', verb: 'Leave', path: '/everynode.v1.NodeRegistry/Leave', reason: 'role', code: 403 }),
        expect.objectContaining({ user: null, path: '/everynode.v1.NodeRegistry/List', reason: 'invalid_token', code: 401 }),
      ]),
    );
  });
});

// Issue 6, item 9: tokens with roles over the HTTPS API. Node tokens made with `everynode token create` may
// do what the Node authorizer and NodeRestriction allow a kubelet, with the API server's wording; 401 and
// 403 are logged and counted. The real services and gateway as processes, the real kubectl and CLI.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayTestbed, LIBERATOR, ROOT, waitForOutput } from '../gateway/support/gateway-testbed';

const MERGE = { 'Content-Type': 'application/merge-patch+json' };

describe('node, viewer and admin tokens over HTTPS', () => {
  let bed: GatewayTestbed;
  let kubelet: string; // node token of k8s-node01
  let viewer: string;
  /** Pod name by node. */
  const pods: Record<string, string> = {};

  /** The built CLI with the gateway's EVERYNODE_HOME. */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, [join(ROOT, 'bin', 'everynode.js'), ...args], { env: { PATH: process.env.PATH ?? '', EVERYNODE_HOME: bed.stack.gatewayHome } }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const as = (token: string | null, method: string, path: string, body?: unknown) =>
    bed.request(method, path, { token, ...(body !== undefined ? { body: JSON.stringify(body), headers: MERGE } : {}) });

  beforeAll(async () => {
    bed = await GatewayTestbed.start('sec_tokens');
    const cluster = (async () => {
      await Promise.all([bed.join('k8s-node01'), bed.join('k8s-node02')]);
      await bed.ok(['create', 'namespace', 'tkr-system']);
      await bed.ok(['apply', '-f', LIBERATOR]);
      const out = await waitForOutput(
        () => bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}={.metadata.name} {end}']),
        (text) => text.trim().split(' ').length === 2,
      );
      for (const pair of out.trim().split(' ')) pods[pair.split('=')[0]] = pair.split('=')[1];
    })();
    // One after the other: each rewrites tokens.json (while the cluster gets its pods).
    const created = await cli('token', 'create', '--role', 'node', '--node', 'k8s-node01');
    const ada = await cli('token', 'create', '--role', 'viewer', '--name', 'ada');
    expect(created).toMatchObject({ code: 0, stderr: expect.stringContaining('"system:node:k8s-node01" (node k8s-node01)') });
    kubelet = created.stdout.trim();
    viewer = ada.stdout.trim();
    await cluster;
  }, 60_000);
  afterAll(() => bed?.teardown());

  it('lets a node token read its own Node and the pods bound to it, and nothing else', async () => {
    expect((await as(kubelet, 'GET', '/api/v1/nodes/k8s-node01')).status).toBe(200);
    expect((await as(kubelet, 'GET', '/api/v1/nodes/k8s-node01/status')).status).toBe(200);
    const other = await as(kubelet, 'GET', '/api/v1/nodes/k8s-node02');
    expect(other.status).toBe(403);
    expect(other.json()).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message: `nodes "k8s-node02" is forbidden: User "system:node:k8s-node01" cannot get resource "nodes" in API group "" at the cluster scope: node 'k8s-node01' cannot read 'k8s-node02', only its own Node object`,
    });

    const mine = await as(kubelet, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk8s-node01');
    expect(mine.status).toBe(200);
    expect(mine.json().items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual([pods['k8s-node01']]);
    expect((await as(kubelet, 'GET', `/api/v1/namespaces/tkr-system/pods/${pods['k8s-node01']}`)).status).toBe(200);
    expect((await as(kubelet, 'GET', `/api/v1/namespaces/tkr-system/pods/${pods['k8s-node02']}`)).json().message).toBe(
      `pods "${pods['k8s-node02']}" is forbidden: User "system:node:k8s-node01" cannot get resource "pods" in API group "" in the namespace "tkr-system": no relationship found between node 'k8s-node01' and this object`,
    );
    expect((await as(kubelet, 'GET', '/api/v1/pods')).status).toBe(403);
    expect((await as(kubelet, 'GET', '/apis/apps/v1/daemonsets')).status).toBe(403);
    expect((await as(kubelet, 'DELETE', `/api/v1/namespaces/tkr-system/pods/${pods['k8s-node01']}`)).status).toBe(403);

    // The real kubectl: upstream's wording, and the kubelet's own list works.
    const denied = await bed.kubectl(['--token', kubelet, 'get', 'nodes']);
    expect(denied.stderr).toContain(
      `Error from server (Forbidden): nodes is forbidden: User "system:node:k8s-node01" cannot list resource "nodes" in API group "" at the cluster scope: node 'k8s-node01' cannot read all nodes, only its own Node object`,
    );
    const own = await bed.ok(['--token', kubelet, 'get', 'pods', '-A', '--field-selector', 'spec.nodeName=k8s-node01', '-o', 'name']);
    expect(own.trim()).toBe(`pod/${pods['k8s-node01']}`);
  });

  it('lets it report its pods and heartbeat its Node; NodeRestriction refuses any other write', async () => {
    const status = { status: { phase: 'Running', podIP: '10.244.1.7', conditions: [{ type: 'Ready', status: 'True' }] } };
    const reported = await as(kubelet, 'PATCH', `/api/v1/namespaces/tkr-system/pods/${pods['k8s-node01']}/status`, status);
    expect(reported.status).toBe(200);
    expect(reported.json().status).toMatchObject({ phase: 'Running', podIP: '10.244.1.7' });
    // Recorded in the log with the token's user as the actor.
    const [event] = await bed.stack.db.adminDataSource.query(
      `SELECT data, metadata->>'actor' AS actor, metadata->>'request' AS request FROM event_log.pod_events WHERE type = 'PodStatusChanged'`,
    );
    expect(event).toMatchObject({
      data: { pod: pods['k8s-node01'], node: 'k8s-node01', phase: 'Running', ready: true },
      actor: 'system:node:k8s-node01',
      request: `PATCH /api/v1/namespaces/tkr-system/pods/${pods['k8s-node01']}/status`,
    });
    expect((await as(kubelet, 'PATCH', `/api/v1/namespaces/tkr-system/pods/${pods['k8s-node02']}/status`, status)).json().message).toBe(
      `pods "${pods['k8s-node02']}" is forbidden: node "k8s-node01" can only update pod status for pods with spec.nodeName set to itself`,
    );

    expect((await as(kubelet, 'PATCH', '/api/v1/nodes/k8s-node01/status', { status: {} })).status).toBe(200);
    const labeled = await as(kubelet, 'PATCH', '/api/v1/nodes/k8s-node01', { metadata: { labels: { 'topology.kubernetes.io/zone': 'z1' } } });
    expect(labeled.status).toBe(200);
    expect(labeled.json().metadata.labels['topology.kubernetes.io/zone']).toBe('z1');
    expect((await as(kubelet, 'PATCH', '/api/v1/nodes/k8s-node01', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })).json().message).toBe(
      'nodes "k8s-node01" is forbidden: node "k8s-node01" is not allowed to modify taints',
    );
    expect((await as(kubelet, 'PATCH', '/api/v1/nodes/k8s-node02', { metadata: { labels: { a: 'b' } } })).json().message).toBe(
      'nodes "k8s-node02" is forbidden: node "k8s-node01" is not allowed to modify node "k8s-node02"',
    );
    const join = await bed.request('POST', '/api/v1/nodes', { token: kubelet, body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'k8s-node03' } }) });
    expect(join.json().message).toBe('nodes "k8s-node03" is forbidden: node "k8s-node01" is not allowed to modify node "k8s-node03"');
    expect((await as(kubelet, 'DELETE', '/api/v1/nodes/k8s-node01')).status).toBe(403);
  });

  it('answers 401 without a token or with a revoked one, 403 outside the role, and logs and counts each refusal', async () => {
    expect((await as(null, 'GET', '/api/v1/nodes')).status).toBe(401);
    expect((await as(viewer, 'GET', '/api/v1/nodes')).status).toBe(200);
    expect((await as(viewer, 'PATCH', '/api/v1/nodes/k8s-node02', { metadata: { labels: { a: 'b' } } })).json().message).toBe(
      'nodes "k8s-node02" is forbidden: User "ada" cannot patch resource "nodes" in API group "" at the cluster scope',
    );
    expect((await cli('token', 'list')).stdout).toMatch(/ada\s+viewer\s+<none>/);
    expect(await cli('token', 'revoke', 'ada')).toMatchObject({ code: 0, stdout: 'token "ada" revoked\n' });
    expect((await as(viewer, 'GET', '/api/v1/nodes')).json()).toMatchObject({ code: 401, reason: 'Unauthorized' });

    const metrics = (await as(bed.adminToken, 'GET', '/metrics')).text;
    const count = (labels: string) => Number(new RegExp(`^everynode_auth_refusals_total\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('code="401",reason="no_token"')).toBeGreaterThanOrEqual(1);
    expect(count('code="401",reason="invalid_token"')).toBeGreaterThanOrEqual(1);
    expect(count('code="403",reason="role"')).toBeGreaterThanOrEqual(4); // daemonsets, delete pod, delete node, the viewer's patch
    expect(count('code="403",reason="node_restriction"')).toBeGreaterThanOrEqual(8);

    const refusals = readFileSync(join(bed.stack.logDir, 'api-gateway.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('auth.refused'))
      .map((line) => JSON.parse(line).message);
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: 'system:node:k8s-node01', verb: 'list', path: '/api/v1/nodes', reason: 'node_restriction', code: 403 }),
        expect.objectContaining({ user: 'system:node:k8s-node01', verb: 'patch', path: '/api/v1/nodes/k8s-node01', reason: 'node_restriction' }), // its taints
        expect.objectContaining({ user: 'ada', verb: 'patch', path: '/api/v1/nodes/k8s-node02', reason: 'role', code: 403 }),
        expect.objectContaining({ user: null, verb: 'list', path: '/api/v1/nodes', reason: 'invalid_token', code: 401 }),
      ]),
    );
  });
});

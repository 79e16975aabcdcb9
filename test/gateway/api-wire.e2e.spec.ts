// The gateway's HTTP surface below kubectl: authentication, roles, content negotiation, watches that
// resume from a resourceVersion (410 once too old), optimistic concurrency, and Status errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '@everynode/contracts';
import { meta } from '../support/stack';
import { GatewayTestbed, LIBERATOR } from './support/gateway-testbed';

const DS_PATH = '/apis/apps/v1/namespaces/tkr-system/daemonsets';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

describe('the API surface', () => {
  let bed: GatewayTestbed;

  beforeAll(async () => {
    bed = await GatewayTestbed.start('gw_wire', { WATCH_CACHE_SIZE: '100' });
    await bed.join('k8s-node01');
    await bed.ok(['create', 'namespace', 'tkr-system']);
  }, 60_000);
  afterAll(() => bed?.teardown());

  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  describe('authentication and roles', () => {
    it('answers 401 Unauthorized (a Status) without a token or with a wrong one', async () => {
      for (const token of [null, 'not-a-token']) {
        const res = await bed.request('GET', '/api/v1/nodes', { token });
        expect(res.status).toBe(401);
        expect(res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
      const wrong = join(bed.dir, 'wrong-kubeconfig');
      writeFileSync(wrong, readFileSync(bed.kubeconfig, 'utf8').replace(bed.adminToken, 'f'.repeat(64)));
      const run = await bed.kubectl(['get', 'nodes'], { kubeconfig: wrong });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
    });

    it('serves /version, /healthz, /livez and /readyz to anyone; /metrics needs a token', async () => {
      expect((await bed.request('GET', '/version', { token: null })).json()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
      expect((await bed.request('GET', '/healthz', { token: null })).status).toBe(200);
      expect((await bed.request('GET', '/livez', { token: null })).text).toBe('ok');
      expect((await bed.request('GET', '/readyz', { token: null })).json()).toMatchObject({ ready: true, checks: { postgres: true, nats: true, 'read-model': true } });
      expect((await bed.request('GET', '/metrics', { token: null })).status).toBe(401);
      const metrics = (await bed.request('GET', '/metrics')).text;
      expect(metrics).toMatch(/everynode_gateway_requests_total\{code="401",resource="nodes",verb="list"\} 2\n/);
      expect(metrics).toContain('everynode_gateway_watches_open');
    });

    it('lets a viewer read and refuses its writes with 403', async () => {
      const tokensFile = join(bed.stack.gatewayHome, 'tokens.json');
      const { createHash } = await import('node:crypto');
      const tokens = JSON.parse(readFileSync(tokensFile, 'utf8'));
      writeFileSync(tokensFile, JSON.stringify([...tokens, { name: 'ada', role: 'viewer', sha256: createHash('sha256').update('viewer-secret').digest('hex') }]));
      const viewer = join(bed.dir, 'viewer-kubeconfig');
      writeFileSync(viewer, readFileSync(bed.kubeconfig, 'utf8').replace(bed.adminToken, 'viewer-secret'));

      expect(await bed.ok(['get', 'nodes', '-o', 'name'], { kubeconfig: viewer })).toBe('node/k8s-node01\n');
      const label = await bed.kubectl(['label', 'node', 'k8s-node01', 'a=b'], { kubeconfig: viewer });
      expect(label.stderr).toContain('Error from server (Forbidden): nodes "k8s-node01" is forbidden: User "ada" cannot patch resource "nodes" in API group "" at the cluster scope');
      const apply = await bed.kubectl(['create', '-f', LIBERATOR], { kubeconfig: viewer });
      expect(apply.stderr).toContain('daemonsets.apps is forbidden: User "ada" cannot create resource "daemonsets" in API group "apps" in the namespace "tkr-system"');
      expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'name'])).toBe('');
    });
  });

  describe('discovery and negotiation', () => {
    it('answers aggregated discovery under its own content type, legacy otherwise', async () => {
      const aggregated = await bed.request('GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
      expect(aggregated.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      expect(aggregated.json().items[0].metadata.name).toBe('apps');
      const legacy = await bed.request('GET', '/apis', { headers: { Accept: 'application/json' } });
      expect(legacy.json()).toMatchObject({ kind: 'APIGroupList', groups: [{ name: 'apps' }] });
      expect((await bed.request('GET', '/apis/apps/v1')).json().resources.map((r: { name: string }) => r.name)).toEqual(['daemonsets', 'daemonsets/status']);
      expect((await bed.request('GET', '/openapi/v3')).json().paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    });

    it('lists as a Table, as PartialObjectMetadata, or as a typed list', async () => {
      const table = await bed.request('GET', '/api/v1/nodes', { headers: { Accept: `${TABLE},application/json` } });
      expect(table.headers['content-type']).toBe(TABLE);
      expect(table.json()).toMatchObject({ kind: 'Table', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
      // Every cell, the -o wide ones too: kubectl hides priority-1 columns itself.
      expect(table.json().rows[0].cells).toEqual(['k8s-node01', 'Ready', '<none>', expect.any(String), '', expect.stringMatching(/^10\.0\.0\.\d+$/), '<none>', '<unknown>', '<unknown>', '<unknown>']);
      expect(table.json().rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'k8s-node01' } });
      const partial = await bed.request('GET', '/api/v1/nodes', { headers: { Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' } });
      expect(partial.json()).toMatchObject({ kind: 'PartialObjectMetadataList', items: [{ kind: 'PartialObjectMetadata', metadata: { name: 'k8s-node01' } }] });
      const plain = (await bed.request('GET', '/api/v1/nodes')).json();
      expect(plain).toMatchObject({ kind: 'NodeList', apiVersion: 'v1', items: [{ kind: 'Node', metadata: { name: 'k8s-node01' } }] });
      expect(plain.metadata.resourceVersion).toMatch(/^\d+$/);
    });
  });

  describe('errors are Status objects, never a 500 for bad input', () => {
    it.each([
      ['malformed JSON', 'POST', DS_PATH, { body: '{"kind":', headers: { 'Content-Type': 'application/json' } }, 400],
      ['a body that is not an object', 'POST', DS_PATH, { body: '[1,2]', headers: { 'Content-Type': 'application/json' } }, 400],
      ['an unknown patch type', 'PATCH', '/api/v1/nodes/k8s-node01', { body: '{}', headers: { 'Content-Type': 'text/plain' } }, 415],
      ['a bad label selector', 'GET', '/api/v1/pods?labelSelector=a%20in', {}, 400],
      ['an unknown field selector', 'GET', '/api/v1/nodes?fieldSelector=spec.color%3Dblue', {}, 400],
      ['a bad resourceVersion', 'GET', '/api/v1/pods?watch=1&resourceVersion=abc', {}, 400],
      ['a bad timeoutSeconds', 'GET', '/api/v1/pods?watch=1&timeoutSeconds=-1', {}, 400],
      ['an invalid label', 'PATCH', '/api/v1/nodes/k8s-node01', { body: '{"metadata":{"labels":{"bad key":"x"}}}', headers: { 'Content-Type': 'application/merge-patch+json' } }, 422],
      ['a failed JSON patch test', 'PATCH', '/api/v1/nodes/k8s-node01', { body: '[{"op":"test","path":"/metadata/name","value":"x"}]', headers: { 'Content-Type': 'application/json-patch+json' } }, 422],
      ['an unknown path', 'GET', '/api/v1/secrets', {}, 404],
      ['a malformed percent-encoding', 'GET', '/api/v1/nodes/%E0%A4%A', {}, 400],
      ['an empty patch body', 'PATCH', '/api/v1/nodes/k8s-node01', { body: '', headers: { 'Content-Type': 'application/merge-patch+json' } }, 400],
      ['malformed DeleteOptions', 'DELETE', `${DS_PATH}/x`, { body: '{nope', headers: { 'Content-Type': 'application/json' } }, 400],
      ['a protobuf body that is not one', 'POST', '/api/v1/namespaces', { body: 'hello', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } }, 400],
      ['invalid YAML for server-side apply', 'PATCH', `${DS_PATH}/x?fieldManager=t`, { body: 'a: [', headers: { 'Content-Type': 'application/apply-patch+yaml' } }, 400],
      ['a YAML alias bomb', 'PATCH', `${DS_PATH}/x?fieldManager=t`, { body: 'a: &a [1]\nb: *a\n', headers: { 'Content-Type': 'application/apply-patch+yaml' } }, 400],
      ['a namespace without a name', 'POST', '/api/v1/namespaces', { body: '{"metadata":{}}', headers: { 'Content-Type': 'application/json' } }, 400],
      ['a pod patch (pods change through their DaemonSet)', 'PATCH', '/api/v1/namespaces/tkr-system/pods/p', { body: '{}', headers: { 'Content-Type': 'application/merge-patch+json' } }, 405],
      ['a missing object', 'GET', '/api/v1/nodes/nope', {}, 404],
    ])('%s', async (_what, method, path, opts, code) => {
      const res = await bed.request(method, path, opts as { body?: string; headers?: Record<string, string> });
      expect(res.status).toBe(code);
      expect(res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
    });

    it('refuses a body over 3 MiB with 413', async () => {
      const res = await bed.request('POST', DS_PATH, { body: Buffer.alloc(3 * 1024 * 1024 + 1, 0x20), headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(res.json().reason).toBe('RequestEntityTooLarge');
    });
  });

  describe('writes', () => {
    let manifest: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeAll(async () => {
      manifest = JSON.parse(await bed.ok(['create', '-f', LIBERATOR, '--dry-run=client', '-o', 'json']));
    });

    it('creates with POST (201), refuses a second create (409 AlreadyExists)', async () => {
      const created = await bed.request('POST', `${DS_PATH}?fieldManager=test`, json(manifest));
      expect(created.status).toBe(201);
      expect(created.json()).toMatchObject({ kind: 'DaemonSet', metadata: { name: 'liberator', generation: 1 } });
      const again = await bed.request('POST', DS_PATH, json(manifest));
      expect(again.status).toBe(409);
      expect(again.json()).toMatchObject({ reason: 'AlreadyExists', message: 'daemonsets.apps "liberator" already exists' });
    });

    it('PUT with a stale resourceVersion is a 409 Conflict; with the current one it updates', async () => {
      const current = (await bed.request('GET', `${DS_PATH}/liberator`)).json();
      const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
      const conflict = await bed.request('PUT', `${DS_PATH}/liberator`, json(stale));
      expect(conflict.status).toBe(409);
      expect(conflict.json().message).toBe('Operation cannot be fulfilled on daemonsets.apps "liberator": the object has been modified; please apply your changes to the latest version and try again');
      // Status changes (its pods being placed, becoming Ready) move the resourceVersion too, as upstream:
      // read and write again on a 409, like client-go's RetryOnConflict.
      let fresh = current;
      let updated = conflict;
      for (let attempt = 0; attempt < 5; attempt++) {
        fresh = (await bed.request('GET', `${DS_PATH}/liberator`)).json();
        fresh.spec.template.spec.containers[0].image = 'maho/liberator:0.9';
        updated = await bed.request('PUT', `${DS_PATH}/liberator`, json(fresh));
        if (updated.status !== 409) break;
      }
      expect(updated.status).toBe(200);
      expect(updated.json().metadata.generation).toBe(2);
      expect(Number(updated.json().metadata.resourceVersion)).toBeGreaterThan(Number(fresh.metadata.resourceVersion));
    });

    it('retries concurrent patches on a conflict, so none is lost; a patch naming a stale resourceVersion gets the 409', async () => {
      const patch = (path: string, type: string, body: unknown) => bed.request('PATCH', path, { body: JSON.stringify(body), headers: { 'Content-Type': type } });
      // Five at once: each round one wins, so five attempts (as upstream makes) are always enough.
      const nodes = await Promise.all([0, 1, 2, 3, 4].map((i) => patch('/api/v1/nodes/k8s-node01', 'application/merge-patch+json', { metadata: { labels: { [`c${i}`]: 'x' } } })));
      expect(nodes.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(Object.keys((await bed.request('GET', '/api/v1/nodes/k8s-node01')).json().metadata.labels)).toEqual(expect.arrayContaining(['c0', 'c1', 'c2', 'c3', 'c4']));
      const sets = await Promise.all([0, 1, 2, 3, 4].map((i) => patch(`${DS_PATH}/liberator`, 'application/strategic-merge-patch+json', { metadata: { annotations: { [`a${i}`]: 'y' } } })));
      expect(sets.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(Object.keys((await bed.request('GET', `${DS_PATH}/liberator`)).json().metadata.annotations)).toEqual(expect.arrayContaining(['a0', 'a1', 'a2', 'a3', 'a4']));
      const stale = await patch('/api/v1/nodes/k8s-node01', 'application/merge-patch+json', { metadata: { resourceVersion: '1', labels: { z: '1' } } });
      expect(stale.status).toBe(409);
      expect(stale.json().reason).toBe('Conflict');
    });

    it('accepts a written status and answers with the computed one', async () => {
      const current = (await bed.request('GET', `${DS_PATH}/liberator/status`)).json();
      const res = await bed.request('PUT', `${DS_PATH}/liberator/status`, json({ ...current, status: { ...current.status, numberReady: 99 } }));
      expect(res.status).toBe(200);
      expect(res.json().status.numberReady).toBe(0);
    });

    it('deletes a collection by label selector', async () => {
      for (const [name, team] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) {
        const ds = { ...manifest, metadata: { name, namespace: 'tkr-system', labels: { team } } };
        expect((await bed.request('POST', DS_PATH, json(ds))).status).toBe(201);
      }
      const res = await bed.request('DELETE', `${DS_PATH}?labelSelector=team%3Dx`);
      expect(res.status).toBe(200);
      expect(res.json().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
      expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'name'])).toBe('daemonset.apps/c\ndaemonset.apps/liberator\n');
    });
  });

  describe('watch', () => {
    const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

    it('replays the changes after a resourceVersion, and only those', async () => {
      const rv = (await bed.request('GET', '/api/v1/nodes')).json().metadata.resourceVersion;
      await bed.join('k8s-node02');
      await bed.ok(['label', 'node', 'k8s-node02', 'zone=a']);
      const res = await bed.request('GET', `/api/v1/nodes?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
      expect(res.status).toBe(200);
      expect(lines(res.text).map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.labels.zone ?? '-'}`)).toEqual([
        'ADDED k8s-node02 -',
        'MODIFIED k8s-node02 a',
      ]);
    });

    it('starts with ADDED for every object without a resourceVersion, filtered by the selectors; Tables when asked', async () => {
      const res = await bed.request('GET', '/api/v1/watch/nodes?labelSelector=zone%3Da&timeoutSeconds=1', { headers: { Accept: TABLE } });
      const events = lines(res.text);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
      expect(events[0].object.rows.map((r: { cells: string[] }) => r.cells.slice(0, 3))).toEqual([['k8s-node02', 'Ready', '<none>']]);
      const byName = lines((await bed.request('GET', '/api/v1/nodes/k8s-node01?watch=true&timeoutSeconds=1')).text);
      expect(byName.map((e) => e.object.metadata.name)).toEqual(['k8s-node01']);
    });

    it('streams changes as they happen and lets go of a watch when its client leaves', async () => {
      const openWatches = async () => Number(/everynode_gateway_watches_open (\d+)/.exec((await bed.request('GET', '/metrics')).text)![1]);
      const { request } = await import('node:https');
      const received: string[] = [];
      const req = request({ host: '127.0.0.1', port: bed.port, path: '/api/v1/watch/nodes?allowWatchBookmarks=true', ca: bed.caPem, headers: { Authorization: `Bearer ${bed.adminToken}` } });
      const headers = new Promise<number>((resolve) => req.on('response', (res) => {
        res.on('data', (chunk: Buffer) => received.push(chunk.toString()));
        resolve(res.statusCode!);
      }));
      req.on('error', () => undefined);
      req.end();
      expect(await headers).toBe(200); // headers are flushed at once
      expect(await openWatches()).toBe(1);
      await bed.join('k8s-node03');
      const deadline = Date.now() + 5000;
      while (!received.join('').includes('"k8s-node03"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(received.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(
        expect.arrayContaining(['ADDED k8s-node01', 'ADDED k8s-node02', 'ADDED k8s-node03']),
      );
      req.destroy();
      const gone = Date.now() + 5000;
      while ((await openWatches()) !== 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(await openWatches()).toBe(0);
    });

    it('answers 410 Gone (Expired) for a resourceVersion older than the watch cache', async () => {
      for (let i = 0; i < 105; i++) {
        await bed.stack.send(COMMANDS.nodeUpdate, { meta: meta(), name: 'k8s-node02', labels: { 'kubernetes.io/hostname': 'k8s-node02', round: String(i) } });
      }
      const res = await bed.request('GET', '/api/v1/nodes?watch=1&resourceVersion=1');
      expect(res.status).toBe(410);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
      expect(res.json().message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    });
  });

  // Last: it stops a service for good.
  it('answers writes with 503 (a Status) while the owning service is down, and still serves reads', async () => {
    await bed.stack.kill('daemonset-spec');
    const body = JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'late' } });
    const res = await bed.request('POST', DS_PATH, { body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'name'])).toBe('daemonset.apps/c\ndaemonset.apps/liberator\n');
  });
});

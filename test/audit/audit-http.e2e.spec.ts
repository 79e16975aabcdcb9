// The audit over HTTP on the gateway: the same answers as the CLI, as JSON, for any authenticated role.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayTestbed, LIBERATOR } from '../gateway/support/gateway-testbed';
import { waitFor } from '../support/stack';

describe('audit over HTTP', () => {
  let bed: GatewayTestbed;

  beforeAll(async () => {
    bed = await GatewayTestbed.start('audithttp');
    await bed.ok(['create', 'namespace', 'tkr-system']);
    await bed.join('k8s-node01');
    await bed.join('k8s-node02');
    await bed.ok(['apply', '-f', LIBERATOR]);
    await waitFor('two pods', async () => (await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'name'])).trim().split('\n').length === 2);
    await bed.ok(['delete', 'node', 'k8s-node02']);
    await waitFor('one pod', async () => (await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'name'])).trim().split('\n').length === 1);
  }, 120_000);
  afterAll(() => bed?.teardown());

  it('pages through the events of the log', async () => {
    const first = await bed.request('GET', '/audit/v1/events?from=1&limit=3');
    expect(first.status).toBe(200);
    const page = first.json();
    expect(page.items.map((e: { position: number }) => e.position)).toEqual([1, 2, 3]);
    expect(page.next).toBe(4);
    const joined = (await bed.request('GET', '/audit/v1/events?type=NodeJoined')).json();
    expect(joined.items.map((e: { data: { name: string } }) => e.data.name).sort()).toEqual(['k8s-node01', 'k8s-node02']);
  });

  it('explains why a pod was removed, back to the kubectl request', async () => {
    const [removed] = (await bed.request('GET', '/audit/v1/events?type=PodsRemoved')).json().items[0].data.pods;
    const res = await bed.request('GET', `/audit/v1/history/pod/tkr-system/${removed.pod}`);
    expect(res.status).toBe(200);
    const last = res.json().steps.at(-1);
    expect(last.summary).toBe(`pod tkr-system/${removed.pod} removed from k8s-node02 (NodeLeft)`);
    expect(last.causes[0].description).toMatch(/^node k8s-node02 left \(Deleted\) \(event \d+\)$/);
    expect(last.causes[1].description).toMatch(/^DELETE \/api\/v1\/nodes\/k8s-node02 by admin/);
  });

  it('shows the state at a past position and verifies the log', async () => {
    const placed = (await bed.request('GET', '/audit/v1/events?type=PodsScheduled')).json().items;
    const at = Math.max(...placed.map((e: { position: number }) => e.position));
    const then = (await bed.request('GET', `/audit/v1/state?at=${at}`)).json();
    expect(then.position).toBe(at);
    expect(then.pods.map((p: { node: string }) => p.node).sort()).toEqual(['k8s-node01', 'k8s-node02']);
    expect(then.daemonSets[0].status.desiredNumberScheduled).toBe(2);
    const now = (await bed.request('GET', '/audit/v1/state')).json();
    expect(now.pods.map((p: { node: string }) => p.node)).toEqual(['k8s-node01']);

    const verify = (await bed.request('GET', '/audit/v1/verify')).json();
    expect(verify.integrity).toMatchObject({ ok: true });
    expect(verify.invariants).toEqual({ ok: true, violations: [] });
  });

  it('answers a viewer, refuses a stranger, and says what is wrong with a bad query', async () => {
    const tokensFile = join(bed.stack.gatewayHome, 'tokens.json');
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8'));
    writeFileSync(tokensFile, JSON.stringify([...tokens, { name: 'auditor', role: 'viewer', sha256: createHash('sha256').update('auditor-secret').digest('hex') }]));
    await waitFor('viewer accepted', async () => (await bed.request('GET', '/audit/v1/events?limit=1', { token: 'auditor-secret' })).status === 200);
    expect((await bed.request('GET', '/audit/v1/events', { token: null })).status).toBe(401);
    const bad = await bed.request('GET', '/audit/v1/state?at=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(bad.json().message).toContain('RFC 3339');
  });
});

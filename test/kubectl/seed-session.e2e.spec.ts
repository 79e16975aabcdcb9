// The session of the documents this project was created from, with the real kubectl 1.32, against the
// whole stack: the three services, the api-gateway and the node agent simulating k8s-node01 and k8s-node02.
//
//   $ kubectl apply -f daemonset.yml                 -> daemonset.apps/liberator created
//   $ kubectl get ds -n tkr-system                   -> DESIRED 2, CURRENT 2, READY 0 ...
//   $ kubectl get pod -n tkr-system -o wide          -> two liberator-xxxxx pods, Running, an IP each, one per node
//   $ kubectl get ds -n tkr-system                   -> READY 2, AVAILABLE 2
import { GatewayTestbed, LIBERATOR } from '../gateway/support/gateway-testbed';
import { waitFor } from '../support/stack';

const columns = (line: string) => line.trim().split(/\s{2,}/);

describe('the seed kubectl session', () => {
  let bed: GatewayTestbed;

  beforeAll(async () => {
    bed = await GatewayTestbed.start('seed', {});
    // Start-up delay long enough that READY 0 is visible first, as in the documents.
    await bed.stack.start('node-agent', { SIM_NODES: 'k8s-node01,k8s-node02', POD_START_DELAY_MS: '4000', AGENT_ID: 'seed' });
    await bed.ok(['create', 'namespace', 'tkr-system']);
  }, 120_000);
  afterAll(() => bed?.teardown());

  it('kubectl get nodes shows the two simulated nodes Ready', async () => {
    const out = await waitFor('both nodes', async () => {
      const text = await bed.ok(['get', 'nodes']);
      return /k8s-node01\s+Ready/.test(text) && /k8s-node02\s+Ready/.test(text) && text;
    });
    expect(columns(out.split('\n')[0])).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  });

  it('reproduces the session line by line', async () => {
    expect((await bed.ok(['apply', '-f', LIBERATOR])).trim()).toBe('daemonset.apps/liberator created');

    const first = await waitFor('DESIRED 2 CURRENT 2', async () => {
      const text = await bed.ok(['get', 'ds', '-n', 'tkr-system']);
      const row = columns(text.split('\n')[1] ?? '');
      return row[1] === '2' && row[2] === '2' && text;
    });
    const [header, row] = first.trim().split('\n');
    expect(header).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    expect(columns(row).slice(0, 7)).toEqual(['liberator', '2', '2', '0', '2', '0', '<none>']);
    expect(columns(row)[7]).toMatch(/^\d+s$/);

    const wide = await waitFor('both pods Running with an IP', async () => {
      const text = await bed.ok(['get', 'pod', '-n', 'tkr-system', '-o', 'wide']);
      const rows = text.trim().split('\n').slice(1).map(columns);
      return rows.length === 2 && rows.every((r) => r[2] === 'Running' && r[1] === '1/1') && text;
    }, 30_000, 250);
    const [podHeader, ...pods] = wide.trim().split('\n');
    expect(podHeader).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const rows = pods.map(columns);
    for (const r of rows) {
      expect(r[0]).toMatch(/^liberator-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(r.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
      expect(r[4]).toMatch(/^\d+s$/);
      expect(r[5]).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(r.slice(7)).toEqual(['<none>', '<none>']);
    }
    expect(rows.map((r) => r[6]).sort()).toEqual(['k8s-node01', 'k8s-node02']);

    const last = await waitFor('READY 2 AVAILABLE 2', async () => {
      const text = await bed.ok(['get', 'ds', '-n', 'tkr-system']);
      const r = columns(text.trim().split('\n')[1]);
      return r[3] === '2' && r[5] === '2' && r;
    });
    expect(last.slice(0, 7)).toEqual(['liberator', '2', '2', '2', '2', '2', '<none>']);
  });

  it('re-applying prints unchanged, and rollout status completes after an image change', async () => {
    expect((await bed.ok(['apply', '-f', LIBERATOR])).trim()).toBe('daemonset.apps/liberator unchanged');
    const changed = (await import('node:fs')).readFileSync(LIBERATOR, 'utf8').replace('maho/liberator:0.1', 'maho/liberator:0.2');
    expect((await bed.ok(['apply', '-f', '-'], { input: changed })).trim()).toBe('daemonset.apps/liberator configured');

    // Sample availability while the rollout runs: never more than maxUnavailable (1) pod down.
    let minAvailable = Infinity;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await bed.ok(['get', 'pod', '-n', 'tkr-system']).catch(() => '');
        const running = text.split('\n').slice(1).filter((l) => /\s1\/1\s+Running\s/.test(l)).length;
        if (text) minAvailable = Math.min(minAvailable, running);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const rollout = await bed.kubectl(['rollout', 'status', 'ds/liberator', '-n', 'tkr-system', '--timeout=60s'], { timeoutMs: 70_000 });
    sampling = false;
    await sampler;
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('daemon set "liberator" successfully rolled out');
    expect(minAvailable).toBeGreaterThanOrEqual(1);
    const images = await bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(images).toBe('maho/liberator:0.2');
  });
});

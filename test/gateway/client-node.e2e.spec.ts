// The official JavaScript client, @kubernetes/client-node, against the gateway with the generated
// kubeconfig (CA and token). It runs in a plain node process: the library is ESM-only.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { GatewayTestbed, LIBERATOR } from './support/gateway-testbed';

const SESSION = join(__dirname, 'support', 'client-node-session.mjs');

function runSession(kubeconfig: string, namespace: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SESSION, kubeconfig, LIBERATOR, namespace], { timeout: 40_000 }, (error, stdout, stderr) => {
      if (error) {
        // @kubernetes/client-node 2.x needs Node >= 22 (undici 8); 1.4.x runs on Node 20.
        reject(new Error(`client-node session failed (${error.message.split('\n')[0]}):\n${stderr.slice(0, 2000)}`));
        return;
      }
      resolve(JSON.parse(stdout));
    });
  });
}

describe('@kubernetes/client-node', () => {
  let bed: GatewayTestbed;

  beforeAll(async () => {
    bed = await GatewayTestbed.start('gw_client_node');
    await bed.join('k8s-node01');
    await bed.ok(['create', 'namespace', 'tkr-system']);
  }, 60_000);
  afterAll(() => bed?.teardown());

  it('lists, creates, reads, patches, watches and deletes DaemonSets', async () => {
    const report = await runSession(join(bed.stack.gatewayHome, 'kubeconfig'), 'tkr-system');
    expect(report.before).toEqual([]);
    expect(report.listResourceVersion).toMatch(/^\d+$/);
    expect(report.created).toEqual({ kind: 'DaemonSet', name: 'liberator', generation: 1, hasUid: true });
    expect(report.read.image).toBe('maho/liberator:0.1');
    expect(report.patchedLabels).toEqual({ patched: 'yes' });
    expect(report.during).toEqual(['liberator']);
    expect(report.events[0]).toBe('ADDED DaemonSet liberator');
    expect(report.events[report.events.length - 1]).toBe('DELETED DaemonSet liberator');
    expect(report.events.every((e: string) => /^(ADDED|MODIFIED|DELETED) DaemonSet liberator$/.test(e))).toBe(true);
    expect(report.afterDelete).toBe(404);
  });
});

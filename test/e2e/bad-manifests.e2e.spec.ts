// Bad manifests get the Kubernetes Status users know (field and message), and nothing reaches the log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, KubeStatus } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { meta, Stack } from '../support/stack';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');

describe('applying a bad manifest', () => {
  let stack: Stack;
  let store: EventStore;

  beforeAll(async () => {
    stack = await Stack.create('badmanifests');
    store = new EventStore(stack.db.adminDataSource);
    await stack.start('daemonset-spec');
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
  }, 60_000);
  afterAll(() => stack?.teardown());

  async function refused(manifest: string): Promise<KubeStatus> {
    const before = await store.headPosition();
    const status = await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest }).then(
      (ok) => {
        throw new Error(`accepted: ${JSON.stringify(ok)}`);
      },
      (err: KubeStatus) => err,
    );
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure' });
    expect(await store.headPosition()).toBe(before);
    return status;
  }
  const causes = (s: KubeStatus) => (s.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);

  it('a missing selector is invalid', async () => {
    const s = await refused(LIBERATOR.replace(/  selector:.*\n    matchLabels:\n      name: liberator\n/, ''));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'liberator', kind: 'DaemonSet', group: 'apps' } });
    expect(causes(s).some((c) => c.startsWith('spec.selector: Required value'))).toBe(true);
    expect(s.message).toMatch(/^DaemonSet\.apps "liberator" is invalid: /);
  });

  it('a selector that does not match the template labels is invalid', async () => {
    const s = await refused(LIBERATOR.replace('      name: liberator\n  template', '      name: other\n  template'));
    expect(s.code).toBe(422);
    expect(causes(s)).toEqual([expect.stringMatching(/^spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`$/)]);
  });

  it('a template without containers is invalid', async () => {
    const s = await refused(LIBERATOR.replace(/      containers:[\s\S]*$/, '      containers: []\n'));
    expect(s.code).toBe(422);
    expect(causes(s)).toContain('spec.template.spec.containers: Required value');
  });

  it('a bad quantity is invalid', async () => {
    const s = await refused(LIBERATOR.replace('cpu: 100m', 'cpu: lots'));
    expect(s.code).toBe(422);
    expect(causes(s).some((c) => c.startsWith('spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "lots"'))).toBe(true);
  });

  it('requests above limits are invalid', async () => {
    const s = await refused(LIBERATOR.replace(/requests:\n            cpu: 100m\n            memory: 200Mi/, 'requests:\n            cpu: 100m\n            memory: 300Mi'));
    expect(s.code).toBe(422);
    expect(causes(s).some((c) => /must be less than or equal to memory limit/.test(c))).toBe(true);
  });

  it('an unknown apiVersion or kind is a bad request', async () => {
    expect((await refused(LIBERATOR.replace('apps/v1', 'apps/v9'))).code).toBe(400);
    expect((await refused(LIBERATOR.replace('kind: DaemonSet', 'kind: DeamonSet'))).code).toBe(400);
  });

  it('an unknown field is refused by strict decoding', async () => {
    const s = await refused(LIBERATOR.replace('        image: maho/liberator:0.1', '        image: maho/liberator:0.1\n        imagePull: Always'));
    expect(s.code).toBe(400);
    expect(s.message).toContain('strict decoding error: unknown field "spec.template.spec.containers[0].imagePull"');
  });

  it('malformed YAML is a bad request that says where', async () => {
    const s = await refused('apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: [unclosed\n');
    expect(s.code).toBe(400);
    expect(s.message).toMatch(/line \d+/i);
  });

  it('a DaemonSet in a namespace that does not exist is NotFound', async () => {
    const s = await refused(LIBERATOR.replace('namespace: tkr-system', 'namespace: ghost'));
    expect(s).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found' });
  });

  it('the valid manifest is then accepted and appended once', async () => {
    const before = await store.headPosition();
    const ok = await stack.send<{ outcome: string }>(COMMANDS.daemonSetApply, { meta: meta(), manifest: LIBERATOR });
    expect(ok.outcome).toBe('created');
    expect(await store.headPosition()).toBe(before + 1);
  });
});

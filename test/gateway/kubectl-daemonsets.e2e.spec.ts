// The real kubectl against the gateway: discovery, namespaces, and the DaemonSet life cycle a user
// drives with apply, get and delete.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GatewayTestbed, LIBERATOR, waitForOutput } from './support/gateway-testbed';

const HEADER = /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/;

describe('kubectl and DaemonSets', () => {
  let bed: GatewayTestbed;
  const file = (name: string, text: string) => {
    const path = join(bed.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const liberator = () => readFileSync(LIBERATOR, 'utf8');

  beforeAll(async () => {
    bed = await GatewayTestbed.start('gw_kubectl_ds');
    await bed.join('k8s-node01');
    await bed.join('k8s-node02');
  }, 60_000);
  afterAll(() => bed?.teardown());

  it('answers discovery: api-resources shows the short names', async () => {
    const out = await bed.ok(['api-resources']);
    const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet'],
        ['pods', 'po', 'v1', 'true', 'Pod'],
        ['nodes', 'no', 'v1', 'false', 'Node'],
        ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ]),
    );
    expect(await bed.ok(['version', '-o', 'json'])).toContain('"gitVersion": "v1.32.0"');
  });

  it('creates a namespace (kubectl sends it as protobuf) and lists it', async () => {
    expect(await bed.ok(['create', 'namespace', 'tkr-system'])).toBe('namespace/tkr-system created\n');
    const out = await bed.ok(['get', 'ns']);
    expect(out).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    expect(out).toMatch(/\ntkr-system\s+Active\s+\d+s\n/);
    const again = await bed.kubectl(['create', 'namespace', 'tkr-system']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): namespaces "tkr-system" already exists');
  });

  it('applies liberator.yaml: created, then unchanged', async () => {
    expect(await bed.ok(['apply', '-f', LIBERATOR])).toBe('daemonset.apps/liberator created\n');
    expect(await bed.ok(['apply', '-f', LIBERATOR])).toBe('daemonset.apps/liberator unchanged\n');
  });

  it('prints the DaemonSet table kubectl users know, -o wide too', async () => {
    // The scheduler places the pods a moment after the apply.
    const out = await waitForOutput(() => bed.ok(['get', 'ds', '-n', 'tkr-system']), (o) => /\nliberator\s+2\s+2\s/.test(o));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(HEADER);
    expect(lines[0]).toBe('NAME        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE');
    expect(lines[1]).toMatch(/^liberator\s+2\s+2\s+0\s+2\s+0\s+<none>\s+\d+s$/);

    const wide = (await bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'wide'])).trimEnd().split('\n');
    expect(wide[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide[1]).toMatch(/\sliberator\s+maho\/liberator:0\.1\s+name=liberator$/);

    const all = (await bed.ok(['get', 'ds', '-A'])).split('\n');
    expect(all[0]).toMatch(/^NAMESPACE\s+NAME\s+DESIRED/);
    expect(all[1]).toMatch(/^tkr-system\s+liberator\s+2\s+2/);
  });

  it('-o yaml and -o json show the object as applied, with its status and annotation', async () => {
    const ds = parse(await bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'yaml']));
    expect(ds).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'liberator', namespace: 'tkr-system', generation: 1 } });
    expect(ds.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(ds.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const applied = JSON.parse(ds.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(applied.spec.template.spec.containers[0].resources).toEqual({ limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
    expect(ds.spec.template.spec.containers[0].resources).toEqual({ limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, observedGeneration: 1 });

    const list = JSON.parse(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'json']));
    expect(list.kind).toBe('List');
    expect(list.items.map((i: { kind: string; metadata: { name: string } }) => `${i.kind}/${i.metadata.name}`)).toEqual(['DaemonSet/liberator']);
  });

  it('an image change prints configured and becomes a new generation', async () => {
    const v2 = file('liberator-v2.yaml', liberator().replace('maho/liberator:0.1', 'maho/liberator:0.2'));
    expect(await bed.ok(['apply', '-f', v2])).toBe('daemonset.apps/liberator configured\n');
    expect(await bed.ok(['apply', '-f', v2])).toBe('daemonset.apps/liberator unchanged\n');
    const ds = JSON.parse(await bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'json']));
    expect(ds.metadata.generation).toBe(2);
    expect(ds.spec.template.spec.containers[0].image).toBe('maho/liberator:0.2');
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'jsonpath={.items[0].spec.template.spec.containers[0].image}'])).toBe('maho/liberator:0.2');
  });

  it('a server-side dry run validates and answers, and changes nothing', async () => {
    const v9 = file('liberator-v9.yaml', liberator().replace('maho/liberator:0.1', 'maho/liberator:0.9'));
    expect(await bed.ok(['apply', '--dry-run=server', '-f', v9])).toBe('daemonset.apps/liberator configured (server dry run)\n');
    expect(await bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('maho/liberator:0.2');
  });

  it('patches with every patch type kubectl knows', async () => {
    const image = () => bed.ok(['get', 'ds', 'liberator', '-n', 'tkr-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    await bed.ok(['patch', 'ds', 'liberator', '-n', 'tkr-system', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"maho/liberator:0.3"}]']);
    expect(await image()).toBe('maho/liberator:0.3');
    await bed.ok(['patch', 'ds', 'liberator', '-n', 'tkr-system', '--type=merge', '-p', '{"metadata":{"labels":{"team":"core"}}}']);
    await bed.ok(['patch', 'ds', 'liberator', '-n', 'tkr-system', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"liberator","image":"maho/liberator:0.4"}]}}}}']);
    expect(await image()).toBe('maho/liberator:0.4');
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-l', 'team=core', '-o', 'name'])).toBe('daemonset.apps/liberator\n');
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-l', 'team=other', '-o', 'name'])).toBe('');
  });

  it('refuses an invalid manifest with the field and message upstream prints', async () => {
    const bad = file('bad.yaml', liberator().replace(/(template:\n\s+metadata:\n\s+labels:\n\s+name:) liberator/, '$1 other'));
    const run = await bed.kubectl(['apply', '-f', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The DaemonSet "liberator" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"name":"other"}: `selector` does not match template `labels`');
  });

  it('refuses an unknown field (kubectl sends fieldValidation=Strict)', async () => {
    const unknown = file('unknown.yaml', liberator().replace('spec:\n  selector:', 'spec:\n  replicas: 3\n  selector:').replace('name: liberator\n  namespace', 'name: strict\n  namespace'));
    const run = await bed.kubectl(['apply', '-f', unknown]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('strict decoding error: unknown field "spec.replicas"');
    expect((await bed.kubectl(['get', 'ds', 'strict', '-n', 'tkr-system'])).stderr).toContain('daemonsets.apps "strict" not found');
  });

  it('says NotFound as upstream does', async () => {
    const run = await bed.kubectl(['get', 'ds', 'nope', '-n', 'tkr-system']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error from server (NotFound): daemonsets.apps "nope" not found');
  });

  it('deletes a DaemonSet and its pods', async () => {
    expect(await bed.ok(['delete', 'ds', 'liberator', '-n', 'tkr-system'])).toBe('daemonset.apps "liberator" deleted\n');
    expect((await bed.kubectl(['get', 'ds', 'liberator', '-n', 'tkr-system'])).code).toBe(1);
    await waitForOutput(() => bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'name']), (out) => out === '');
  });

  it('--cascade=orphan leaves the pods, without an owner', async () => {
    await bed.ok(['apply', '-f', LIBERATOR]);
    await waitForOutput(() => bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'name']), (out) => out.split('\n').filter(Boolean).length === 2);
    expect(await bed.ok(['delete', 'ds', 'liberator', '-n', 'tkr-system', '--cascade=orphan'])).toBe('daemonset.apps "liberator" deleted\n');
    const pods = JSON.parse(await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'json'])).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.ownerReferences).toBeUndefined();
      expect(pod.metadata.labels.name).toBe('liberator');
    }
  });

  it('server-side apply creates a missing DaemonSet and applies again', async () => {
    const ssa = file('ssa.yaml', liberator().replace(/name: liberator\n  namespace/, 'name: ssa\n  namespace'));
    expect(await bed.ok(['apply', '--server-side', '-f', ssa])).toBe('daemonset.apps/ssa serverside-applied\n');
    expect(await bed.ok(['apply', '--server-side', '-f', ssa])).toBe('daemonset.apps/ssa serverside-applied\n');
    const v2 = file('ssa-v2.yaml', readFileSync(ssa, 'utf8').replace('maho/liberator:0.1', 'maho/liberator:0.2'));
    await bed.ok(['apply', '--server-side', '-f', v2]);
    const ds = JSON.parse(await bed.ok(['get', 'ds', 'ssa', '-n', 'tkr-system', '-o', 'json']));
    expect(ds.metadata.generation).toBe(2);
    expect(ds.spec.template.spec.containers[0].image).toBe('maho/liberator:0.2');
  });

  it('replace and delete -f work on the same manifest', async () => {
    await bed.ok(['create', '-f', LIBERATOR]);
    expect(await bed.ok(['replace', '-f', LIBERATOR])).toBe('daemonset.apps/liberator replaced\n');
    expect(await bed.ok(['delete', '-f', LIBERATOR, '--cascade=foreground'])).toBe('daemonset.apps "liberator" deleted\n');
  });

  it('deleting the namespace deletes what is in it', async () => {
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system', '-o', 'name'])).toBe('daemonset.apps/ssa\n');
    expect(await bed.ok(['delete', 'namespace', 'tkr-system'])).toBe('namespace "tkr-system" deleted\n');
    expect((await bed.kubectl(['get', 'ns', 'tkr-system'])).stderr).toContain('namespaces "tkr-system" not found');
    expect(await bed.ok(['get', 'ds', '-A', '-o', 'name'])).toBe('');
  });
});


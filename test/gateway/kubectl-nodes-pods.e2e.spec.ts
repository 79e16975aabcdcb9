// The real kubectl on nodes and pods: label, cordon, delete a node (its pod goes), delete a pod (its
// DaemonSet replaces it), and `get pods -w` following it all.
import { COMMANDS } from '@everynode/contracts';
import { meta } from '../support/stack';
import { GatewayTestbed, LIBERATOR, waitForOutput } from './support/gateway-testbed';

describe('kubectl, nodes and pods', () => {
  let bed: GatewayTestbed;
  const podNames = async () => (await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'name'])).split('\n').filter(Boolean).sort();
  const nodeOf = async (pod: string) => bed.ok(['get', pod, '-n', 'tkr-system', '-o', 'jsonpath={.spec.nodeName}']);

  beforeAll(async () => {
    bed = await GatewayTestbed.start('gw_kubectl_nodes');
    await Promise.all(['k8s-node01', 'k8s-node02', 'k8s-node03'].map((n) => bed.join(n)));
    await bed.ok(['create', 'namespace', 'tkr-system']);
    await bed.ok(['apply', '-f', LIBERATOR]);
    await waitForOutput(async () => (await podNames()).join('\n'), (o) => o.split('\n').filter(Boolean).length === 3);
  }, 60_000);
  afterAll(() => bed?.teardown());

  it('lists nodes with the node columns', async () => {
    const lines = (await bed.ok(['get', 'nodes'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['k8s-node01 Ready <none>', 'k8s-node02 Ready <none>', 'k8s-node03 Ready <none>']);
    const wide = (await bed.ok(['get', 'node', 'k8s-node01', '-o', 'wide'])).split('\n');
    expect(wide[0]).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
    expect(wide[1]).toMatch(/\s10\.0\.0\.\d+\s+<none>\s/);
  });

  it('labels a node and selects by the label; k- removes it', async () => {
    expect(await bed.ok(['label', 'node', 'k8s-node01', 'color=blue'])).toBe('node/k8s-node01 labeled\n');
    expect(await bed.ok(['get', 'nodes', '-l', 'color=blue', '-o', 'name'])).toBe('node/k8s-node01\n');
    expect(await bed.ok(['get', 'no', 'k8s-node01', '--show-labels'])).toMatch(/\scolor=blue,kubernetes\.io\/arch=amd64,/);
    const taken = await bed.kubectl(['label', 'node', 'k8s-node01', 'color=green']);
    expect(taken.stderr).toContain("'color' already has a value (blue), and --overwrite is false");
    await bed.ok(['label', 'node', 'k8s-node01', 'color-']);
    expect(await bed.ok(['get', 'nodes', '-l', 'color', '-o', 'name'])).toBe('');
  });

  it('cordons a node: Ready,SchedulingDisabled; uncordon undoes it; the daemon pod stays', async () => {
    expect(await bed.ok(['cordon', 'k8s-node02'])).toBe('node/k8s-node02 cordoned\n');
    expect(await bed.ok(['get', 'node', 'k8s-node02'])).toMatch(/\nk8s-node02\s+Ready,SchedulingDisabled\s+<none>\s/);
    expect(await bed.ok(['get', 'node', 'k8s-node02', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('true');
    expect(await podNames()).toHaveLength(3);
    expect(await bed.ok(['uncordon', 'k8s-node02'])).toBe('node/k8s-node02 uncordoned\n');
    expect(await bed.ok(['get', 'node', 'k8s-node02'])).toMatch(/\nk8s-node02\s+Ready\s+<none>\s/);
  });

  it('taints a node: an untolerated NoExecute taint takes its daemon pod away; removing the taint brings one back', async () => {
    const onNode2 = async () => {
      const pods = JSON.parse(await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'json'])).items as { spec: { nodeName: string } }[];
      return pods.filter((p) => p.spec.nodeName === 'k8s-node02').length;
    };
    expect(await bed.ok(['taint', 'node', 'k8s-node02', 'dedicated=db:NoExecute'])).toBe('node/k8s-node02 tainted\n');
    expect(JSON.parse(await bed.ok(['get', 'node', 'k8s-node02', '-o', 'jsonpath={.spec.taints}']))).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
    await waitForOutput(async () => String(await onNode2()), (n) => n === '0');
    expect(await bed.ok(['taint', 'node', 'k8s-node02', 'dedicated-'])).toBe('node/k8s-node02 untainted\n');
    await waitForOutput(async () => String(await onNode2()), (n) => n === '1');
    expect(await podNames()).toHaveLength(3);
  });

  it('shows daemon pods as kubectl expects: owner, labels, node, -o wide, -A', async () => {
    const [first] = await podNames();
    const pod = JSON.parse(await bed.ok(['get', first, '-n', 'tkr-system', '-o', 'json']));
    expect(pod.metadata.name).toMatch(/^liberator-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'liberator', controller: true })]);
    expect(pod.metadata.labels).toEqual({ name: 'liberator', 'controller-revision-hash': expect.any(String), 'pod-template-generation': '1' });
    expect(pod.spec.containers[0]).toMatchObject({ name: 'liberator', image: 'maho/liberator:0.1' });
    expect(pod.status.phase).toBe('Pending');
    const wide = (await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'wide'])).split('\n');
    expect(wide[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(wide.slice(1).filter(Boolean).map((l) => l.split(/\s+/)[6]).sort()).toEqual(['k8s-node01', 'k8s-node02', 'k8s-node03']);
    expect((await bed.ok(['get', 'pods', '-A'])).split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    // kubectl pages with --chunk-size (limit and continue tokens): every pod once, in order, as in one page.
    const names = (out: string) => out.trimEnd().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    const whole = names(await bed.ok(['get', 'pods', '-A', '--no-headers', '--chunk-size=0']));
    expect(whole).toHaveLength(3);
    expect(names(await bed.ok(['get', 'pods', '-A', '--no-headers', '--chunk-size=1']))).toEqual(whole);
    expect(names(await bed.ok(['get', 'pods', '-A', '--no-headers', '-o', 'wide', '--chunk-size=2']))).toEqual(whole);
    expect(await bed.ok(['get', 'pods', '-n', 'tkr-system', '--field-selector', 'spec.nodeName=k8s-node03', '-o', 'name'])).toMatch(/^pod\/liberator-\w{5}\n$/);
    const described = await bed.ok(['describe', 'ds', 'liberator', '-n', 'tkr-system']);
    expect(described).toContain('Desired Number of Nodes Scheduled: 3');
    expect(described).toMatch(/Events:\s+<none>/);
  });

  it('shows pods Running and Ready once their nodes report it; rollout status completes', async () => {
    const pods = JSON.parse(await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'json'])).items as { metadata: { name: string }; spec: { nodeName: string } }[];
    // What a node agent (kubelet) reports; the scheduler records it as PodStatusChanged.
    const reports = pods.map((p, i) => ({ namespace: 'tkr-system', pod: p.metadata.name, node: p.spec.nodeName, phase: 'Running', ready: true, podIP: `10.244.${i}.5`, restarts: 0 }));
    await bed.stack.send(COMMANDS.podReportStatus, { meta: meta('kubelet status'), reports });
    const out = await bed.ok(['rollout', 'status', 'ds/liberator', '-n', 'tkr-system', '--timeout=20s']);
    expect(out.trimEnd().split('\n').pop()).toBe('daemon set "liberator" successfully rolled out');
    expect(await bed.ok(['get', 'ds', '-n', 'tkr-system'])).toMatch(/\nliberator\s+3\s+3\s+3\s+3\s+3\s+<none>\s/);
    const rows = (await bed.ok(['get', 'pods', '-n', 'tkr-system', '-o', 'wide'])).trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/));
    expect(rows.map((r) => [r[1], r[2], r[5]].join(' ')).sort()).toEqual(['1/1 Running 10.244.0.5', '1/1 Running 10.244.1.5', '1/1 Running 10.244.2.5']);
  });

  it('get pods -w sees the deletions that follow kubectl delete node and delete pod', async () => {
    const watch = bed.watch(['get', 'pods', '-n', 'tkr-system', '-w', '--output-watch-events']);
    await waitForOutput(async () => watch.output(), (o) => o.split('\n').filter((l) => l.startsWith('ADDED')).length === 3);

    const victim = (await Promise.all((await podNames()).map(async (p) => [p, await nodeOf(p)] as const))).find(([, n]) => n === 'k8s-node03')![0];
    expect(await bed.ok(['delete', 'node', 'k8s-node03'])).toBe('node "k8s-node03" deleted\n');
    await waitForOutput(async () => (await podNames()).join(' '), (names) => names.split(' ').length === 2 && !names.includes(victim));

    const [other] = await podNames();
    expect(await bed.ok(['delete', other, '-n', 'tkr-system'])).toBe(`pod "${other.slice(4)}" deleted\n`);
    // The DaemonSet puts a new pod on that node.
    await waitForOutput(async () => (await podNames()).join(' '), (names) => names.split(' ').length === 2 && !names.includes(other));

    const out = await waitForOutput(async () => watch.output(), (o) => o.split('\n').filter((l) => /^(ADDED|DELETED)\s/.test(l)).length >= 6);
    await watch.stop();
    const events = out.split('\n').filter((l) => /^(ADDED|MODIFIED|DELETED)\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(out.split('\n')[0]).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(events).toEqual(expect.arrayContaining([`DELETED ${victim.slice(4)}`, `DELETED ${other.slice(4)}`]));
    expect(events.filter((e) => e.startsWith('ADDED'))).toHaveLength(4);
  });

  it('deleting an unknown node or pod is a NotFound', async () => {
    expect((await bed.kubectl(['delete', 'node', 'k8s-node99'])).stderr).toContain('Error from server (NotFound): nodes "k8s-node99" not found');
    expect((await bed.kubectl(['delete', 'pod', 'nope', '-n', 'tkr-system'])).stderr).toContain('Error from server (NotFound): pods "nope" not found');
  });
});

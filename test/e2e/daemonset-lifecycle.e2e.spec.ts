// The seed's DaemonSet behaviour end to end: three services as separate processes, real Postgres and NATS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, podEventsOf, PodRecord, RecordedEvent } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { foldDaemonSets } from '@everynode/read-models';
import { foldNodes } from '@everynode/read-models';
import { emptyCluster, evolve } from '@everynode/reconciler';
import { meta, Stack, waitFor } from '../support/stack';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');
const BLUE_AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: blue-agent, namespace: default }
spec:
  selector: { matchLabels: { app: blue-agent } }
  template:
    metadata: { labels: { app: blue-agent } }
    spec:
      nodeSelector: { color: blue }
      containers: [{ name: agent, image: example/agent:1 }]
`;

describe('a DaemonSet across joining and leaving nodes', () => {
  let stack: Stack;
  let store: EventStore;

  beforeAll(async () => {
    stack = await Stack.create('lifecycle');
    store = new EventStore(stack.db.adminDataSource);
    await stack.startAll();
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
  }, 90_000);
  afterAll(() => stack?.teardown());

  const pods = async (namespace?: string, daemonSet?: string) =>
    (await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace, daemonSet })).items;
  const podsOn = (list: PodRecord[]) => list.map((p) => p.node).sort();
  const join = (name: string, labels?: Record<string, string>) => stack.send(COMMANDS.nodeJoin, { meta: meta(), name, labels });
  /** The log, batches taken apart into the per-pod events they stand for. */
  const allEvents = async () => (await store.readAll({ limit: 100_000 })).flatMap(podEventsOf);

  it('runs one pod of the liberator DaemonSet on each of the two nodes', async () => {
    await join('k8s-node01');
    await join('k8s-node02');
    const applied = await stack.send<{ outcome: string; object: { metadata: { name: string; generation: number } } }>(
      COMMANDS.daemonSetApply,
      { meta: meta('kubectl apply'), manifest: LIBERATOR },
    );
    expect(applied.outcome).toBe('created');
    expect(applied.object.metadata).toMatchObject({ name: 'liberator', generation: 1 });

    const placed = await waitFor('two liberator pods', async () => {
      const list = await pods('tkr-system', 'liberator');
      return list.length === 2 && list;
    });
    expect(podsOn(placed)).toEqual(['k8s-node01', 'k8s-node02']);
    for (const p of placed) expect(p.name).toMatch(/^liberator-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('re-applying the same manifest changes nothing', async () => {
    const before = await store.headPosition();
    const again = await stack.send<{ outcome: string }>(COMMANDS.daemonSetApply, { meta: meta(), manifest: LIBERATOR });
    expect(again.outcome).toBe('unchanged');
    expect(await store.headPosition()).toBe(before);
  });

  it('gives a joining node its pod, and takes it away when the node leaves', async () => {
    await join('k8s-node03');
    await waitFor('pod on k8s-node03', async () => (await pods('tkr-system')).some((p) => p.node === 'k8s-node03'));

    await stack.send(COMMANDS.nodeLeave, { meta: meta('DELETE /api/v1/nodes/k8s-node02'), name: 'k8s-node02' });
    const after = await waitFor('k8s-node02 emptied', async () => {
      const list = await pods('tkr-system');
      return !list.some((p) => p.node === 'k8s-node02') && list;
    });
    expect(podsOn(after)).toEqual(['k8s-node01', 'k8s-node03']);

    // The removal names the NodeLeft event as its cause, and that event names the request.
    const events = await allEvents();
    const left = events.find((e) => e.type === 'NodeLeft' && (e.data as { name: string }).name === 'k8s-node02')!;
    const removed = events.find((e) => e.type === 'PodRemoved' && (e.data as { node: string }).node === 'k8s-node02')!;
    expect(removed.data).toMatchObject({ reason: 'NodeLeft', daemonSet: 'liberator' });
    expect(removed.metadata.causationId).toBe(left.eventId);
    expect(removed.metadata.correlationId).toBe(left.metadata.correlationId);
    expect(left.metadata).toMatchObject({ actor: 'admin', request: 'DELETE /api/v1/nodes/k8s-node02' });
  });

  it('runs a nodeSelector DaemonSet only on matching nodes and follows relabels', async () => {
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: BLUE_AGENT });
    await join('k8s-blue01', { color: 'blue' });
    await waitFor('blue-agent on the blue node only', async () => {
      const list = await pods('default', 'blue-agent');
      return list.length === 1 && list[0].node === 'k8s-blue01';
    });

    await stack.send(COMMANDS.nodeUpdate, { meta: meta(), name: 'k8s-node01', labels: { 'kubernetes.io/hostname': 'k8s-node01', color: 'blue' } });
    await waitFor('blue-agent follows the new blue label', async () => podsOn(await pods('default', 'blue-agent')).join() === 'k8s-blue01,k8s-node01');

    await stack.send(COMMANDS.nodeUpdate, { meta: meta(), name: 'k8s-blue01', labels: { color: 'green' } });
    await waitFor('blue-agent leaves the relabelled node', async () => podsOn(await pods('default', 'blue-agent')).join() === 'k8s-node01');
    const events = await allEvents();
    const noLonger = events.filter((e) => e.type === 'PodRemoved' && (e.data as { reason: string }).reason === 'NoLongerMatches');
    expect(noLonger).toHaveLength(1);
    expect(noLonger[0].data).toMatchObject({ node: 'k8s-blue01' });
  });

  it('removes every pod of a deleted DaemonSet', async () => {
    await stack.send(COMMANDS.daemonSetDelete, { meta: meta(), namespace: 'tkr-system', name: 'liberator' });
    await waitFor('no liberator pods', async () => (await pods('tkr-system')).length === 0);
    const events = await allEvents();
    const deleted = events.find((e) => e.type === 'DaemonSetDeleted')!;
    const removals = events.filter((e) => e.type === 'PodRemoved' && (e.data as { reason: string }).reason === 'DaemonSetDeleted');
    expect(removals.map((r) => (r.data as { node: string }).node).sort()).toEqual(['k8s-blue01', 'k8s-node01', 'k8s-node03']);
    for (const r of removals) expect(r.metadata.causationId).toBe(deleted.eventId);
  });

  it('records every decision as an event whose causation id points at an event of the log', async () => {
    const events = await allEvents();
    const ids = new Map(events.map((e) => [e.eventId, e] as const));
    const decisions = events.filter((e) => e.type.startsWith('Pod'));
    expect(decisions.length).toBeGreaterThan(5);
    for (const d of decisions) {
      const cause = ids.get(d.metadata.causationId!) as RecordedEvent;
      expect(cause).toBeDefined();
      expect(cause.position).toBeLessThan(d.position);
      expect(d.metadata.actor).toBe('service:scheduler');
    }
    // At most one PodScheduled per (DaemonSet, node) is live at any time: replay the decisions.
    const live = new Map<string, string>();
    for (const e of decisions) {
      const d = e.data as { pod: string; daemonSet: string; node: string; namespace: string };
      const slot = `${d.namespace}/${d.daemonSet}@${d.node}`;
      if (e.type === 'PodScheduled') {
        expect(live.has(slot)).toBe(false);
        live.set(slot, d.pod);
      } else if (e.type === 'PodRemoved') live.delete(slot);
    }
  });

  it('converges after the scheduler missed events while it was down', async () => {
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: LIBERATOR });
    await waitFor('liberator back on all three nodes', async () => (await pods('tkr-system')).length === 3);
    await stack.kill('scheduler');
    await join('k8s-node04');
    await stack.send(COMMANDS.nodeLeave, { meta: meta(), name: 'k8s-node03' });
    await stack.start('scheduler');
    const list = await waitFor('converged after restart', async () => {
      const l = await pods('tkr-system');
      return podsOn(l).join() === 'k8s-blue01,k8s-node01,k8s-node04' && l;
    });
    expect(list).toHaveLength(3);
  });

  it('every projection equals its rebuild from the log (DESIGN rule 6)', async () => {
    const events = await allEvents();
    const admin = stack.db.adminDataSource;

    const nodeRows: { name: string; version: number; record: unknown }[] = await admin.query('SELECT name, version, record FROM node_registry.nodes');
    const nodes = foldNodes(events);
    expect(new Map(nodeRows.map((r) => [r.name, { version: r.version, node: r.record }]))).toEqual(nodes);

    const dsRows: { namespace: string; name: string; version: number; record: unknown }[] = await admin.query(
      'SELECT namespace, name, version, record FROM daemonset_spec.daemonsets',
    );
    expect(new Map(dsRows.map((r) => [`${r.namespace}/${r.name}`, { version: r.version, record: r.record }]))).toEqual(foldDaemonSets(events));

    const cluster = events.reduce(evolve, emptyCluster());
    expect((await pods()).map((p) => `${p.namespace}/${p.name}`).sort()).toEqual([...cluster.pods.keys()].sort());
  });
});

// A generated pod name is unique among live pods, as Kubernetes' generateName is; a name a removed pod had can
// come again, on a new pod with a uid of its own (placements are batches: no stream per pod to collide on).
// Made likely here with 2 random characters (729 names per DaemonSet) and nodes churned through 15 rounds:
// every node gets its pod, no pass fails, and a pod's history shows each of its name's lifetimes.
import { COMMANDS } from '@everynode/contracts';
import { history } from '@everynode/audit';
import { EventStore } from '@everynode/event-store';
import type { PodRecord } from '@everynode/contracts';
import { meta, Stack, waitFor } from '../support/stack';
import { daemonSetManifest } from '../support/manifests';

const ROUNDS = 15;
const PER_ROUND = 10;

const manifest = daemonSetManifest('collide', 'names');

describe('pod names: a name a removed pod had', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.create('podnames', { POD_NAME_RANDOM_LENGTH: '2' });
    await stack.startAll();
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'names' });
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest });
  }, 60_000);
  afterAll(() => stack?.teardown());

  const placed = async () =>
    (await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace: 'names' })).items.filter((p) => p.daemonSet === 'collide').length;

  it('can come again on a new pod: every node gets its pod, live names stay unique, no pass fails', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const nodes = Array.from({ length: PER_ROUND }, (_, i) => `names-${round}-${i}`);
      await Promise.all(nodes.map((name) => stack.send(COMMANDS.nodeJoin, { meta: meta(), name })));
      await waitFor(`round ${round}: a pod on each of ${PER_ROUND} nodes`, async () => (await placed()) === PER_ROUND, 20_000, 50);
      const live = (await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace: 'names' })).items;
      expect(new Set(live.map((p) => p.name)).size).toBe(live.length);
      await Promise.all(nodes.map((name) => stack.send(COMMANDS.nodeLeave, { meta: meta(), name })));
      await waitFor(`round ${round}: the pods removed`, async () => (await placed()) === 0, 20_000, 50);
    }

    const placements: { pod: string; uid: string }[] = await stack.db.adminDataSource.query(
      `SELECT data->>'pod' AS pod, data->>'uid' AS uid FROM event_log.pod_events WHERE type = 'PodScheduled'`,
    );
    expect(placements).toHaveLength(ROUNDS * PER_ROUND);
    expect(new Set(placements.map((n) => n.uid)).size).toBe(placements.length);
    expect(placements.every((n) => /^collide-[a-z0-9]{2}$/.test(n.pod))).toBe(true);
    // 150 draws of 729 names: some name came again (all distinct has a probability of ~1e-7).
    const counts = new Map<string, number>();
    for (const { pod } of placements) counts.set(pod, (counts.get(pod) ?? 0) + 1);
    const [reused] = [...counts].find(([, n]) => n > 1)!;
    expect(await stack.metric('scheduler', 'everynode_events_naked_total')).toBe(0);

    // The audit shows each lifetime of the name: placed, then removed, once per pod (uid) that had it.
    const steps = await history(new EventStore(stack.db.adminDataSource), `pod/names/${reused}`);
    const kinds = steps.map((s) => s.event.type).filter((t) => t !== 'PodStatusChanged');
    expect(kinds.slice(0, 4)).toEqual(['PodScheduled', 'PodRemoved', 'PodScheduled', 'PodRemoved']);
    const uids = steps.filter((s) => s.event.type === 'PodScheduled').map((s) => (s.event.data as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  }, 120_000);
});

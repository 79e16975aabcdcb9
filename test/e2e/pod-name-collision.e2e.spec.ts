// A generated pod name can be one a removed pod had: its stream lives on in the log, so the append fails.
// Kubernetes retries generateName on AlreadyExists; the scheduler decides the chunk again with new names,
// without failing the pass (which would requeue a full resync and nak the events that asked for it). Made
// likely here with 2 random characters (729 names per DaemonSet) and nodes churned through 15 rounds.
import { COMMANDS } from '@everynode/contracts';
import type { PodRecord } from '@everynode/contracts';
import { meta, Stack, waitFor } from '../support/stack';

const ROUNDS = 15;
const PER_ROUND = 10;

const manifest = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'collide', namespace: 'names' },
  spec: {
    selector: { matchLabels: { app: 'collide' } },
    template: { metadata: { labels: { app: 'collide' } }, spec: { containers: [{ name: 'c', image: 'example/collide:1' }] } },
  },
};

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

  it('is given up for a new one: every node gets its pod, no pass fails', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const nodes = Array.from({ length: PER_ROUND }, (_, i) => `names-${round}-${i}`);
      await Promise.all(nodes.map((name) => stack.send(COMMANDS.nodeJoin, { meta: meta(), name })));
      await waitFor(`round ${round}: a pod on each of ${PER_ROUND} nodes`, async () => (await placed()) === PER_ROUND, 20_000, 50);
      await Promise.all(nodes.map((name) => stack.send(COMMANDS.nodeLeave, { meta: meta(), name })));
      await waitFor(`round ${round}: the pods removed`, async () => (await placed()) === 0, 20_000, 50);
    }

    const names: { pod: string }[] = await stack.db.adminDataSource.query(`SELECT data->>'pod' AS pod FROM event_log.events WHERE type = 'PodScheduled'`);
    expect(names).toHaveLength(ROUNDS * PER_ROUND);
    expect(new Set(names.map((n) => n.pod)).size).toBe(names.length);
    expect(names.every((n) => /^collide-[a-z0-9]{2}$/.test(n.pod))).toBe(true);
    // Collisions happened (150 of 729 names used) and cost a retry of the chunk, never a failed pass.
    expect(await stack.metric('scheduler', 'everynode_scheduler_pod_name_collisions_total')).toBeGreaterThan(0);
    expect(await stack.metric('scheduler', 'everynode_events_naked_total')).toBe(0);
  }, 120_000);
});

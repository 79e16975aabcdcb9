// The periodic resync runs in slices (RESYNC_SLICE_SLOTS), a few DaemonSets per pass, so node joins arriving
// meanwhile wait for one slice rather than for the whole cluster. Here no event reaches JetStream at all (the
// relay is off everywhere): the resync's passes read the log, and what they read says what to look at, so
// the pods are placed all the same; with a budget of one slot each slice then holds a single DaemonSet.
import { COMMANDS } from '@everynode/contracts';
import { meta, Stack, waitFor } from '../support/stack';
import { daemonSetManifest } from '../support/manifests';

const DAEMONSETS = ['alpha', 'beta', 'gamma'];
const NODES = ['resync-1', 'resync-2', 'resync-3', 'resync-4'];

const manifest = (name: string) => daemonSetManifest(name, 'resync');

describe('periodic resync, slice by slice', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.create('resync', { RELAY: 'off', RESYNC_INTERVAL_MS: '300', POD_RELIST_INTERVAL_MS: '300', RESYNC_SLICE_SLOTS: '1' });
    await stack.startAll();
  }, 60_000);
  afterAll(() => stack?.teardown());

  const placed = async () =>
    (await stack.db.adminDataSource.query(`SELECT data->>'daemonSet' AS ds, data->>'node' AS node FROM event_log.pod_events WHERE type = 'PodScheduled'`)) as {
      ds: string;
      node: string;
    }[];

  it('places what JetStream never delivered, and slices the resync one DaemonSet per pass', async () => {
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'resync' });
    for (const name of DAEMONSETS) await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: manifest(name) });
    await Promise.all(NODES.map((name) => stack.send(COMMANDS.nodeJoin, { meta: meta(), name })));

    const pods = await waitFor('a pod of every DaemonSet on every node', async () => {
      const rows = await placed();
      return rows.length >= DAEMONSETS.length * NODES.length && rows;
    }, 20_000, 100);
    const slots = pods.map((p) => `${p.ds}|${p.node}`).sort();
    expect(slots).toEqual(DAEMONSETS.flatMap((ds) => NODES.map((n) => `${ds}|${n}`)).sort());

    // Nothing went through JetStream; once the scheduler knows the DaemonSets, each resync takes one per slice.
    expect(await stack.metric('scheduler', 'everynode_events_delivered_total')).toBe(0);
    await waitFor('a resync in one slice per DaemonSet', async () => ((await stack.metric('scheduler', 'everynode_scheduler_resync_slices_total')) ?? 0) >= DAEMONSETS.length, 10_000, 100);
    expect(await placed()).toHaveLength(DAEMONSETS.length * NODES.length); // and nothing placed twice
  }, 60_000);
});

// The scheduler follows the log itself (LISTEN/NOTIFY): what an append names is looked at at once, whether or
// not JetStream delivers it. Here the relay is off everywhere and the periodic resync an hour away, so only the
// log can have told the scheduler of the DaemonSet, the node joining and the node leaving.
import { COMMANDS } from '@everynode/contracts';
import { meta, Stack, waitFor } from '../support/stack';
import { daemonSetManifest } from '../support/manifests';

const manifest = daemonSetManifest('watcher', 'logtrigger');

describe('the scheduler follows the log', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.create('logtrigger', { RELAY: 'off', RESYNC_INTERVAL_MS: '3600000' });
    await stack.startAll();
  }, 60_000);
  afterAll(() => stack?.teardown());

  const live = async () =>
    (await stack.db.adminDataSource.query(`
      SELECT s.data->>'node' AS node FROM event_log.pod_events s
      WHERE s.type = 'PodScheduled' AND NOT EXISTS (
        SELECT 1 FROM event_log.pod_events r WHERE r.type = 'PodRemoved' AND r.stream = s.stream AND r.position > s.position)`)) as { node: string }[];

  it('places and removes pods on what the log says, with nothing from JetStream and no resync', async () => {
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'logtrigger' });
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest });
    await Promise.all(['lt-1', 'lt-2'].map((name) => stack.send(COMMANDS.nodeJoin, { meta: meta(), name })));
    await waitFor('a pod on each node', async () => (await live()).length === 2, 20_000, 50);
    expect((await live()).map((p) => p.node).sort()).toEqual(['lt-1', 'lt-2']);

    await stack.send(COMMANDS.nodeLeave, { meta: meta(), name: 'lt-1' });
    await waitFor('the departed node emptied', async () => (await live()).every((p) => p.node !== 'lt-1'), 20_000, 50);
    expect((await live()).map((p) => p.node)).toEqual(['lt-2']);

    expect(await stack.metric('scheduler', 'everynode_events_delivered_total')).toBe(0);
    expect((await stack.metric('scheduler', 'everynode_scheduler_resync_slices_total')) ?? 0).toBe(0);
  }, 60_000);
});

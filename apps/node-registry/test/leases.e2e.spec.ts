// Leases end to end, with short durations: no heartbeat for a lease -> Ready=Unknown; a heartbeat again ->
// Ready=True; unreachable for NODE_GC_AFTER_MS -> the node leaves (LeaseExpired); after a restart every member
// gets a full lease of grace and a node recorded Unknown before it is Ready again on its first heartbeat.
// The real node-registry process, real Postgres and NATS.
import { COMMANDS } from '@everynode/contracts';
import type { NodeRecord } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { meta, Stack, waitFor } from '../../../test/support/stack';

const LEASE_MS = 1000;
const GC_MS = 2500;

describe('node registry: leases', () => {
  let stack: Stack;
  let store: EventStore;
  const beating = new Set<string>();
  let timer: NodeJS.Timeout;

  beforeAll(async () => {
    stack = await Stack.create('leases', { NODE_LEASE_DURATION_MS: String(LEASE_MS), NODE_GC_AFTER_MS: String(GC_MS) });
    store = new EventStore(stack.db.adminDataSource);
    await stack.start('node-registry');
    // The kubelets: one heartbeat command for every node that is "up", every 200 ms.
    timer = setInterval(() => void (beating.size && stack.send(COMMANDS.nodeHeartbeat, { names: [...beating] }).catch(() => undefined)), 200);
  }, 60_000);
  afterAll(async () => {
    clearInterval(timer);
    await stack?.teardown();
  });

  const join = (name: string) => stack.send<NodeRecord>(COMMANDS.nodeJoin, { meta: meta(), name });
  const node = (name: string) => stack.send<NodeRecord>(COMMANDS.nodeGet, { name });
  const history = async (name: string) =>
    (await store.readAll({ limit: 100_000, streamPrefix: `node-${name}` }))
      .filter((e) => e.stream === `node-${name}`)
      .map((e) => `${e.type}${(e.data as { status?: string; reason?: string }).status ? ` ${(e.data as { status: string }).status}` : ''}${e.type === 'NodeLeft' ? ` ${(e.data as { reason: string }).reason}` : ''}`);

  it('a node without heartbeats becomes Unknown, is Ready again on its next heartbeat, and leaves when unreachable for long', async () => {
    await Promise.all([join('up'), join('flaky')]);
    beating.add('up');
    await waitFor('flaky Unknown', async () => (await node('flaky')).ready === 'Unknown', 10_000, 50);
    expect((await node('up')).ready).toBe('True');

    beating.add('flaky');
    await waitFor('flaky Ready again', async () => (await node('flaky')).ready === 'True', 10_000, 50);
    expect((await node('flaky')).readyReason).toBe('KubeletReady');

    beating.delete('flaky');
    await waitFor('flaky gone', async () => (await history('flaky')).includes('NodeLeft LeaseExpired'), 15_000, 100);
    expect(await history('flaky')).toEqual([
      'NodeJoined',
      'NodeReadinessChanged Unknown',
      'NodeReadinessChanged True',
      'NodeReadinessChanged Unknown',
      'NodeLeft LeaseExpired',
    ]);
    expect(await history('up')).toEqual(['NodeJoined']);
    // The agent learns the node is gone (and would join it again).
    const reply = await stack.send<{ renewed: number; unknown: string[] }>(COMMANDS.nodeHeartbeat, { names: ['up', 'flaky', 'never-joined'] });
    expect(reply).toEqual({ renewed: 1, unknown: ['flaky', 'never-joined'] });
  }, 40_000);

  it('after a restart, members get a full lease of grace and a node recorded Unknown is Ready on its first heartbeat', async () => {
    await join('sleepy');
    await waitFor('sleepy Unknown', async () => (await node('sleepy')).ready === 'Unknown', 10_000, 50);
    await stack.kill('node-registry');
    await stack.start('node-registry');
    const started = Date.now();
    // Renewed from memory of nothing: the registry reads its members at start.
    expect(await stack.send(COMMANDS.nodeHeartbeat, { names: ['sleepy'] })).toEqual({ renewed: 1, unknown: [] });
    await waitFor('sleepy Ready', async () => (await node('sleepy')).ready === 'True', 5000, 50);
    // No heartbeat after that: Unknown again only once a whole lease has passed, then it leaves.
    await waitFor('sleepy gone', async () => (await history('sleepy')).includes('NodeLeft LeaseExpired'), 15_000, 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS + GC_MS);
    expect(await history('sleepy')).toEqual(['NodeJoined', 'NodeReadinessChanged Unknown', 'NodeReadinessChanged True', 'NodeReadinessChanged Unknown', 'NodeLeft LeaseExpired']);
    expect((await node('up')).ready).toBe('True'); // heartbeating throughout the restart
  }, 40_000);

  it('a deleted node is not collected again, and a node that joins again gets a new lease', async () => {
    await join('brief');
    await stack.send(COMMANDS.nodeLeave, { meta: meta(), name: 'brief' });
    await join('brief');
    beating.add('brief');
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    expect(await history('brief')).toEqual(['NodeJoined', 'NodeLeft Deleted', 'NodeJoined']);
    beating.delete('brief');
  }, 20_000);
});

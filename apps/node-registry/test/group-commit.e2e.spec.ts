// Group commit: node commands that arrive together are decided one after another and appended in one
// transaction, yet each gets its own answer — a refused one its own error, nothing appended for it.
// The real node-registry process, real Postgres and NATS.
import { COMMANDS, isKubeStatus } from '@everynode/contracts';
import type { KubeStatus, NodeRecord } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { foldNodes } from '@everynode/read-models';
import { meta, Stack } from '../../../test/support/stack';

const N = 300;

describe('node registry: group commit of joins and leaves', () => {
  let stack: Stack;
  let store: EventStore;

  beforeAll(async () => {
    stack = await Stack.create('groupcommit');
    store = new EventStore(stack.db.adminDataSource);
    await stack.start('node-registry');
  }, 60_000);
  afterAll(() => stack?.teardown());

  const join = (name: string, extra: object = {}) => stack.send<NodeRecord>(COMMANDS.nodeJoin, { meta: meta(), name, ...extra });
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (isKubeStatus(e) ? (e as KubeStatus) : Promise.reject(e)));
  const events = async (type: string) => (await store.readAll({ limit: 100_000, types: [type] })) as { data: { name: string; reason?: string }; recordedAt: string }[];
  const metric = async (series: string) => {
    const text = await (await fetch(`http://127.0.0.1:${stack.ports.get('node-registry')}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it('many concurrent joins commit in few transactions, each answered with its own node; a bad one is refused alone', async () => {
    const names = Array.from({ length: N }, (_, i) => `gc-${i}`);
    const [records, bad, again] = await Promise.all([
      Promise.all(names.map((n) => join(n))),
      refusal(join('Not_A_Valid_Name')),
      join('gc-7'), // the same node twice at once: it joins once
    ]);
    expect(records.map((r) => r.name)).toEqual(names);
    expect(new Set(records.map((r) => r.podCIDR)).size).toBe(N);
    expect(new Set(records.map((r) => r.resourceVersion)).size).toBe(N);
    expect(bad).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(again.uid).toBe(records[7].uid);

    const joined = await events('NodeJoined');
    expect(joined.map((e) => e.data.name).sort()).toEqual([...names].sort());
    // recorded_at is one timestamp per transaction.
    const transactions = new Set(joined.map((e) => e.recordedAt)).size;
    expect(transactions).toBeLessThan(N / 3);
    expect(await metric('everynode_node_commands_batched_total')).toBeGreaterThanOrEqual(N + 2);
    expect(await metric('everynode_node_command_batches_total')).toBeLessThan(N / 3);
  });

  it('joining a node again answers with its record and appends nothing', async () => {
    const before = (await events('NodeJoined')).length;
    const [a, b] = await Promise.all([join('gc-1'), join('gc-1')]);
    expect(a.uid).toBe(b.uid);
    expect((await events('NodeJoined')).length).toBe(before);
  });

  it('join and leave of one node in one batch are applied in order; a leave of an unknown node is NotFound alone', async () => {
    const [joined, left, missing, rejoined] = await Promise.all([
      join('gc-flip'),
      stack.send<NodeRecord>(COMMANDS.nodeLeave, { meta: meta(), name: 'gc-flip' }),
      refusal(stack.send(COMMANDS.nodeLeave, { meta: meta(), name: 'gc-never' })),
      refusal(stack.send(COMMANDS.nodeUpdate, { meta: meta(), name: 'gc-never', unschedulable: true })),
    ]);
    expect(left.uid).toBe(joined.uid);
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound' });
    expect(rejoined).toMatchObject({ code: 404 });
    await expect(stack.send(COMMANDS.nodeGet, { name: 'gc-flip' })).rejects.toMatchObject({ code: 404 });
  });

  it('many concurrent leaves and updates commit together, each answered', async () => {
    const leaving = Array.from({ length: N / 2 }, (_, i) => `gc-${i}`);
    const updating = Array.from({ length: N / 2 }, (_, i) => `gc-${N / 2 + i}`);
    const [left, updated] = await Promise.all([
      Promise.all(leaving.map((name) => stack.send<NodeRecord>(COMMANDS.nodeLeave, { meta: meta(), name }))),
      Promise.all(updating.map((name) => stack.send<NodeRecord>(COMMANDS.nodeUpdate, { meta: meta(), name, unschedulable: true }))),
    ]);
    expect(left.map((n) => n.name)).toEqual(leaving);
    expect(updated.every((n) => n.unschedulable)).toBe(true);
    const nodes = await stack.send<NodeRecord[]>(COMMANDS.nodeList, {});
    expect(nodes.map((n) => n.name).sort()).toEqual([...updating].sort());
  });

  it('a join-many with one invalid node is refused whole: none of its nodes joins', async () => {
    const before = (await events('NodeJoined')).length;
    const nodes = [{ name: 'gcm-1' }, { name: 'gcm-2', taints: [{ key: 'k', effect: 'Sometimes' }] }, { name: 'gcm-3' }];
    const [refused, single] = await Promise.all([refusal(stack.send(COMMANDS.nodeJoinMany, { meta: meta(), nodes })), join('gc-alone')]);
    expect(refused).toMatchObject({ code: 400 });
    expect(single.name).toBe('gc-alone');
    expect((await events('NodeJoined')).length).toBe(before + 1);
    const ok = await stack.send<NodeRecord[]>(COMMANDS.nodeJoinMany, { meta: meta(), nodes: [{ name: 'gcm-1' }, { name: 'gcm-3' }, { name: 'gcm-1' }] });
    expect(ok.map((n) => n.name)).toEqual(['gcm-1', 'gcm-3']);
  });

  it('the projection equals its rebuild from the log', async () => {
    const rebuilt = foldNodes(await store.readAll({ limit: 100_000 }));
    const rows: { name: string; version: number; record: NodeRecord | null }[] = await stack.db.adminDataSource.query('SELECT name, version, record FROM node_registry.nodes');
    expect(rows.length).toBe(rebuilt.size);
    for (const row of rows) expect({ version: row.version, node: row.record }).toEqual(rebuilt.get(row.name));
  });
});

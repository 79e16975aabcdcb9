// Pod status reports that arrive together are committed together: one transaction (one log lock) for
// the group, each sender still gets its own answer, and two reports about one pod in one group chain
// their stream versions instead of conflicting. Real services, real Postgres and NATS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '@everynode/contracts';
import type { PodRecord, PodStatusReport } from '@everynode/contracts';
import { meta, Stack, waitFor } from '../support/stack';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');
const NODES = Array.from({ length: 40 }, (_, i) => `gc-node-${String(i).padStart(2, '0')}`);

interface Reply {
  recorded: number;
  unchanged: number;
  unknown: string[];
}

describe('pod status: group commit', () => {
  let stack: Stack;
  let pods: PodRecord[];

  beforeAll(async () => {
    stack = await Stack.create('statusgroup');
    await stack.startAll();
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
    for (const name of NODES) await stack.send(COMMANDS.nodeJoin, { meta: meta(), name });
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: LIBERATOR });
    pods = await waitFor('a pod on every node', async () => {
      const { items } = await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace: 'tkr-system' });
      return items.length === NODES.length && items;
    });
  }, 90_000);
  afterAll(() => stack?.teardown());

  const report = (p: PodRecord, over: Partial<PodStatusReport> = {}): PodStatusReport => ({
    namespace: p.namespace,
    pod: p.name,
    node: p.node,
    phase: 'Running',
    ready: true,
    podIP: '10.0.0.7',
    restarts: 0,
    ...over,
  });
  const send = (reports: PodStatusReport[]) => stack.send<Reply>(COMMANDS.podReportStatus, { meta: meta('status'), reports });
  const statusRows = () =>
    stack.db.adminDataSource.query(
      `SELECT stream, position, recorded_at, data FROM event_log.pod_events WHERE type = 'PodStatusChanged' ORDER BY position`,
    ) as Promise<{ stream: string; position: string; recorded_at: Date; data: { ready: boolean; restarts: number } }[]>;

  it('answers each of 40 concurrent reports on its own and commits them in fewer transactions than reports', async () => {
    const replies = await Promise.all(pods.map((p) => send([report(p)])));
    expect(replies.every((r) => r.recorded === 1 && r.unchanged === 0 && r.unknown.length === 0)).toBe(true);
    const rows = await statusRows();
    expect(rows).toHaveLength(pods.length);
    expect(new Set(rows.map((r) => r.stream)).size).toBe(pods.length); // nothing doubled
    // recorded_at is one timestamp per transaction: grouped reports share it.
    expect(new Set(rows.map((r) => r.recorded_at.toISOString())).size).toBeLessThan(pods.length);
  });

  it('repeats append nothing; an unknown pod is named only in its own sender’s answer', async () => {
    const [same, unknown] = await Promise.all([send([report(pods[0])]), send([report({ ...pods[1], name: 'no-such-pod' })])]);
    expect(same).toEqual({ recorded: 0, unchanged: 1, unknown: [] });
    expect(unknown).toEqual({ recorded: 0, unchanged: 0, unknown: ['tkr-system/no-such-pod'] });
    expect(await statusRows()).toHaveLength(pods.length);
  });

  it('chains two changes of one pod in one group (the second decided on the first), the last one wins', async () => {
    const p = pods[2];
    const replies = await Promise.all([send([report(p, { ready: false })]), send([report(p, { ready: true, restarts: 1 })])]);
    expect(replies.map((r) => r.recorded)).toEqual([1, 1]);
    const own = (await statusRows()).filter((r) => r.stream.endsWith(p.name));
    expect(own).toHaveLength(3);
    expect(own.map((r) => r.data.ready)).toEqual([true, false, true]);
    expect(own.at(-1)!.data).toMatchObject({ ready: true, restarts: 1 });
    await waitFor('the view shows the last report', async () => {
      const { items } = await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace: 'tkr-system' });
      const now = items.find((x) => x.name === p.name);
      return now?.ready === true && now.restarts === 1;
    });
  });
});

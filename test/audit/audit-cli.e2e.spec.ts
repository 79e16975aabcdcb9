// The audit answers, through the real `everynode` CLI binary, for a scripted history on a real stack.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { COMMANDS, podEventsOf, PodRecord } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { meta, Stack, waitFor } from '../support/stack';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');
const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');

describe('everynode audit commands', () => {
  let stack: Stack;
  let store: EventStore;
  const everynode = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: stack.db.url } });
      return { code: 0, stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout + err.stderr };
    }
  };
  const pods = async () => (await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, {})).items;
  const podLines = (list: PodRecord[]) => list.map((p) => `${p.namespace} ${p.name} ${p.node}`).sort();
  /** The POD table of `everynode state`, as "namespace name node" lines. */
  const statePods = (stdout: string) =>
    stdout
      .slice(stdout.indexOf('NAMESPACE    POD') >= 0 ? stdout.indexOf('\nNAMESPACE') : 0)
      .split('\n')
      .filter((l) => /^\S+\s+\S+-[a-z0-9]{5}\s/.test(l))
      .map((l) => l.trim().split(/\s+/))
      .map((c) => `${c[0]} ${c[1]} ${c[4]}`)
      .sort();
  const moments: { position: number; pods: string[] }[] = [];
  const remember = async () => moments.push({ position: await store.headPosition(), pods: podLines(await pods()) });
  const settle = (n: number) => waitFor(`${n} pods`, async () => (await pods()).length === n);

  beforeAll(async () => {
    stack = await Stack.create('audit');
    store = new EventStore(stack.db.adminDataSource);
    await stack.startAll();
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
    for (const name of ['k8s-node01', 'k8s-node02']) await stack.send(COMMANDS.nodeJoin, { meta: meta(), name });
    await stack.send(COMMANDS.daemonSetApply, { meta: meta('kubectl apply -f liberator.yaml'), manifest: LIBERATOR });
    await settle(2);
    await remember();
    await stack.send(COMMANDS.nodeJoin, { meta: meta(), name: 'k8s-node03' });
    await settle(3);
    await remember();
    await stack.send(COMMANDS.nodeLeave, { meta: { ...meta('DELETE /api/v1/nodes/k8s-node02'), actor: 'admin' }, name: 'k8s-node02' });
    await settle(2);
    await remember();
    await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: LIBERATOR.replace('liberator:0.1', 'liberator:0.2') });
    await waitFor('updated pods', async () => (await pods()).every((p) => p.generation === 2) && (await pods()).length === 2);
    await remember();
    await stack.send(COMMANDS.daemonSetDelete, { meta: meta(), namespace: 'tkr-system', name: 'liberator' });
    await settle(0);
    await remember();
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('state --at shows the pods exactly as they were at each recorded moment', async () => {
    for (const m of moments) {
      const { code, stdout } = await everynode('state', '--at', String(m.position));
      expect(code).toBe(0);
      expect(stdout).toContain(`state at position ${m.position}`);
      expect(statePods(stdout)).toEqual(m.pods);
    }
  });

  it('state --at accepts an RFC 3339 time', async () => {
    const [row] = await stack.db.adminDataSource.query('SELECT recorded_at FROM event_log.events WHERE position = $1', [moments[1].position]);
    const { stdout } = await everynode('state', '--at', new Date(row.recorded_at).toISOString());
    expect(statePods(stdout)).toEqual(moments[1].pods);
  });

  it('history of a pod removed because its node left names the NodeLeft event and the request behind it', async () => {
    const events = (await store.readAll({ limit: 10_000 })).flatMap(podEventsOf);
    const removed = events.find((e) => e.type === 'PodRemoved' && (e.data as { reason: string }).reason === 'NodeLeft')!;
    const left = events.find((e) => e.type === 'NodeLeft')!;
    const { pod, namespace } = removed.data as { pod: string; namespace: string };
    const { code, stdout } = await everynode('history', `pod/${namespace}/${pod}`);
    expect(code).toBe(0);
    expect(stdout).toContain(`#${removed.position}  pod ${namespace}/${pod} removed from k8s-node02 (NodeLeft)`);
    expect(stdout).toContain(`← node k8s-node02 left (Deleted) (event ${left.position})`);
    expect(stdout).toContain('← DELETE /api/v1/nodes/k8s-node02 by admin');
  });

  it('replay --verify passes, then names a projection row corrupted on purpose', async () => {
    const ok = await everynode('replay', '--verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('every live projection equals its rebuild from the log');
    expect(ok.stdout).toMatch(/events\/s/);

    await stack.db.adminDataSource.query(
      `UPDATE node_registry.nodes SET record = jsonb_set(record, '{labels,color}', '"forged"') WHERE name = 'k8s-node01'`,
    );
    const bad = await everynode('replay', '--verify');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('node_registry.nodes k8s-node01:');
    expect(bad.stdout).toContain('record.labels.color: live "forged", rebuilt null');
  });

  it('verify passes on the untouched log, then fails at an edited event and at a deleted one', async () => {
    const ok = await everynode('verify');
    expect(ok.stdout).toContain('the hash chain is intact');
    expect(ok.code).toBe(0);

    const admin = stack.db.adminDataSource;
    const target = moments[1].position;
    await stack.kill('scheduler'); // nothing may append while we tamper
    await stack.kill('node-registry');
    await stack.kill('daemonset-spec');
    await admin.query('ALTER TABLE event_log.events DISABLE TRIGGER USER');
    try {
      const [original] = await admin.query('SELECT data FROM event_log.events WHERE position = $1', [target]);
      await admin.query(`UPDATE event_log.events SET data = jsonb_set(data::jsonb, '{node}', '"k8s-evil"')::json WHERE position = $1`, [target]);
      const edited = await everynode('verify');
      expect(edited.code).toBe(2);
      expect(edited.stdout).toContain(`FAILED at position ${target}: content does not match its hash`);

      await admin.query('UPDATE event_log.events SET data = $2 WHERE position = $1', [target, JSON.stringify(original.data)]);
      expect((await everynode('verify')).stdout).toContain('the hash chain is intact');

      await admin.query('DELETE FROM event_log.events WHERE position = $1', [target]);
      const deleted = await everynode('verify');
      expect(deleted.code).toBe(2);
      expect(deleted.stdout).toContain(`FAILED at position ${target}: event missing`);
    } finally {
      await admin.query('ALTER TABLE event_log.events ENABLE TRIGGER USER');
    }
  });

  it('export writes one event per line', async () => {
    const { stdout } = await everynode('export', '--from', '1', '--to', '5');
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
  });
});

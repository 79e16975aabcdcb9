// replay: rebuild every projection from a big log with the real CLI (`everynode replay`). The log is
// generated straight into event_log.events of a bench database — a consistent cluster history with a
// valid hash chain — then vacuumed, as a log that has been sitting for a while is.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RecordedEvent } from '@everynode/contracts';
import { ProjectionRebuild } from '@everynode/audit';
import type { ProjectionRows } from '@everynode/audit';
import { createDataSource, createTestDatabase, databaseUrl, migrate, withDatabase } from '@everynode/platform';
import type { TestDatabase } from '@everynode/platform';
import { clusterHistory } from '../lib/cluster-history';
import { hotspots } from '../lib/cpu-profile';
import { writeHistory } from '../lib/log-rows';
import { runMeasured } from '../lib/measured-process';
import type { Measured } from '../lib/measured-process';
import { progress, record } from '../lib/report';
import type { Limits } from './limits';

export interface ReplayParams {
  events: number;
  nodes: number;
  daemonSets: number;
  /** Also run the CLI under --cpu-prof and print where its time goes: always, or when it misses the goal. */
  profile?: boolean | 'below-goal';
}

export interface ReplayResult {
  events: number;
  seconds: number;
  rate: number;
  peakRssMiB: number;
  /** `replay --verify`: the same rebuild, then every row compared with the live projections. */
  verify?: { seconds: number; rate: number; peakRssMiB: number };
}

const S = 'replay';
const CLI = resolve(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');
const TS_REGISTER = resolve(__dirname, '..', '..', 'scripts', 'ts-register.js');
const READ_LOG = resolve(__dirname, '..', 'lib', 'read-log.ts');
const GOAL = 200_000;
const LINE = /rebuilt every projection from (\d+) events in ([\d.]+) s \((\d+) events\/s\)/;

/**
 * BENCH_REPLAY_DB=<database name>: keep the log in that database and reuse it on the next run (generation
 * takes minutes, the replay seconds), e.g. while optimising the replay. Without it, a fresh database is
 * generated and dropped.
 */
async function benchDatabase(): Promise<{ db: TestDatabase; existing: number }> {
  const name = process.env.BENCH_REPLAY_DB;
  if (!name) return { db: await createTestDatabase('bench_replay'), existing: 0 };
  const url = withDatabase(databaseUrl(), name);
  await migrate(url);
  const adminDataSource = await createDataSource({ url, poolSize: 2 });
  const [{ n }] = await adminDataSource.query('SELECT count(*)::int AS n FROM event_log.events');
  return {
    existing: n,
    db: { url, dataSource: adminDataSource, adminDataSource, drop: () => adminDataSource.destroy() },
  };
}

export async function replay(p: ReplayParams, limits?: Limits): Promise<ReplayResult> {
  const { db, existing } = await benchDatabase();
  try {
    if (existing) progress(`${S}: reusing the log of ${existing.toLocaleString('en-US')} events in ${process.env.BENCH_REPLAY_DB} (BENCH_REPLAY_DB)`);
    const written = existing || (await generate(db, p));

    progress(`${S}: everynode replay over ${written.toLocaleString('en-US')} events`);
    const env = envOf(db);
    const { result, stderr } = await runReplay(env, written);
    record({ scenario: S, metric: `everynode replay of ${written.toLocaleString('en-US')} events`, value: result.seconds, unit: 's' });
    const ceiling = await readAndParse(env, written);
    record({ scenario: S, metric: 'replay rate', value: result.rate, unit: 'events/s', goal: `>= ${GOAL.toLocaleString('en-US')} events/s`, ratio: { of: 'reading this log', value: result.rate / ceiling } });
    if (limits) record({ scenario: S, metric: 'replay rate against the limits log (one pod an event)', value: result.rate, unit: 'events/s', ratio: { of: 'lean log read', value: result.rate / limits.leanRead } });
    // The log holds pod events in batches (up to 500 pods an event): the facts folded per second, batches
    // taken apart, are what compares with a log of one event per pod.
    const [{ n: podEvents }] = await db.adminDataSource.query('SELECT count(*)::int AS n FROM event_log.pod_events');
    const [{ n: plain }] = await db.adminDataSource.query(`SELECT count(*)::int AS n FROM event_log.events WHERE type NOT LIKE 'Pod%'`);
    record({ scenario: S, metric: 'facts in the log (pod events one per pod, batches taken apart, and the other events)', value: podEvents + plain, unit: 'facts' });
    record({ scenario: S, metric: 'replay rate, facts (batches taken apart)', value: Math.round((podEvents + plain) / result.seconds), unit: 'facts/s' });
    record({ scenario: S, metric: 'replay peak RSS', value: result.peakRssMiB, unit: 'MiB' });
    const cpu = cpuSeconds(stderr);
    if (cpu !== undefined) record({ scenario: S, metric: 'replay CPU time (whole CLI process, start-up included; user+sys)', value: cpu, unit: 's' });
    if (p.profile === true || (p.profile === 'below-goal' && result.rate < GOAL)) await profile(env);
    const verified = (await hasProjections(db)) ? { verify: await verify(env, written) } : undefined;
    if (!verified) progress(`${S}: no live projections in this database (generated before they were written): replay --verify skipped`);
    await perPodLog(p);
    return { ...result, ...verified };
  } finally {
    await db.drop();
  }
}

/** What the CLI (and the log read) are run with: the bench database, nothing else of this process's environment. */
const envOf = (db: TestDatabase): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', DATABASE_URL: db.url });

/** Runs node with `args` to its end; it must exit 0 and print a line matching `pattern` (else: its output, in the error). */
async function runFor(what: string, args: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ run: Measured; m: RegExpExecArray }> {
  const run = await runMeasured(process.execPath, args, env);
  const m = pattern.exec(run.stdout);
  if (run.code !== 0 || !m) throw new Error(`${what} exited ${run.code}:\n${run.stdout.slice(0, 3000)}\n${run.stderr.slice(-2000)}`);
  return { run, m };
}

/** `everynode replay` over the log of DATABASE_URL (`env`): its own figures, checked against what the log holds. */
async function runReplay(env: NodeJS.ProcessEnv, written: number): Promise<{ result: ReplayResult; stderr: string }> {
  const { run, m } = await runFor('everynode replay', [CLI, 'replay'], env, LINE);
  const result = { events: Number(m[1]), seconds: Number(m[2]), rate: Number(m[3]), peakRssMiB: Math.round(run.peakRssBytes / 2 ** 20) };
  if (result.events !== written) throw new Error(`replay read ${result.events} events, the log holds ${written}`);
  return { result, stderr: run.stderr };
}

/**
 * The same history logged one event per pod (PodScheduled, PodStatusChanged, PodRemoved), as the log was
 * before pod events went in batches and as the fold still reads it: what the rate is when an event is
 * one fact. Generated in seconds (its events are small), replayed, dropped.
 */
async function perPodLog(p: ReplayParams): Promise<void> {
  const db = await createTestDatabase('bench_replay_per_pod');
  try {
    progress(`${S}: generating the same history with one event per pod (the log before pod batches)`);
    const written = await writeHistory(db.url, 'event_log.events', clusterHistory({ events: p.events, nodes: p.nodes, daemonSets: p.daemonSets, podEventsAlone: true }));
    await db.adminDataSource.query('VACUUM ANALYZE event_log.events');
    progress(`${S}: everynode replay over ${written.toLocaleString('en-US')} events of one pod each`);
    const { result } = await runReplay(envOf(db), written);
    const what = `${written.toLocaleString('en-US')} events of one pod each (the log before pod batches; the fold still reads it)`;
    record({ scenario: S, metric: `everynode replay of ${what}`, value: result.seconds, unit: 's' });
    record({ scenario: S, metric: 'replay rate, one pod an event', value: result.rate, unit: 'events/s' });
    record({ scenario: S, metric: 'replay peak RSS, one pod an event', value: result.peakRssMiB, unit: 'MiB' });
  } finally {
    await db.drop();
  }
}

/**
 * `replay --verify` on the same log: the rebuild (its own rate line), then every live projection read and
 * compared row by row. The live projections are what the history's events fold to (written at generation,
 * as the services would have), so it must find no difference.
 */
async function verify(env: NodeJS.ProcessEnv, written: number): Promise<NonNullable<ReplayResult['verify']>> {
  progress(`${S}: everynode replay --verify over ${written.toLocaleString('en-US')} events`);
  const t0 = performance.now();
  const { run } = await runFor('everynode replay --verify', [CLI, 'replay', '--verify'], env, /every live projection equals its rebuild/);
  const seconds = (performance.now() - t0) / 1000;
  const result = { seconds, rate: Math.round(written / seconds), peakRssMiB: Math.round(run.peakRssBytes / 2 ** 20) };
  record({ scenario: S, metric: 'replay --verify (rebuild, read and compare every projection; whole process)', value: Number(seconds.toFixed(2)), unit: 's' });
  record({ scenario: S, metric: 'replay --verify rate (whole process)', value: result.rate, unit: 'events/s' });
  record({ scenario: S, metric: 'replay --verify peak RSS', value: result.peakRssMiB, unit: 'MiB' });
  return result;
}

/**
 * This log's own read limit: the replay's query (the same columns, the same skipped types) streamed and every
 * row's JSON parsed, nothing folded, in a fresh process as the CLI is. The limits scenario's lean read is of
 * one-pod events; this log's pod events are batches of up to 500 pods, so what reading it costs per event
 * is measured on it.
 */
async function readAndParse(env: NodeJS.ProcessEnv, written: number): Promise<number> {
  progress(`${S}: reading and parsing the same log, nothing folded (its read limit)`);
  const { m } = await runFor('the log read', ['-r', TS_REGISTER, READ_LOG], env, /read (\d+) events in ([\d.]+) s/);
  if (Number(m[1]) !== written) throw new Error(`read ${m[1]} events back, the log holds ${written}`);
  const rate = written / Number(m[2]);
  record({ scenario: S, metric: 'read limit of this log: the replay query streamed and parsed, nothing folded', value: Math.round(rate), unit: 'events/s' });
  return rate;
}

/** User + system CPU seconds from GNU time's report (stderr), when the machine has it: a figure that load distorts less than wall time. */
function cpuSeconds(stderr: string): number | undefined {
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return user && sys ? Number((Number(user[1]) + Number(sys[1])).toFixed(2)) : undefined;
}

async function hasProjections(db: TestDatabase): Promise<boolean> {
  const [{ n }] = await db.adminDataSource.query('SELECT count(*)::int AS n FROM (SELECT 1 FROM daemonset_spec.daemonsets LIMIT 1) p');
  return n > 0;
}

const PROJECTION_TABLES: Record<string, { columns: string; row: (key: string, value: any) => Record<string, unknown> }> = {
  'node_registry.nodes': { columns: 'name text, version int, record jsonb', row: (k, v) => ({ name: k, ...v }) },
  'daemonset_spec.daemonsets': {
    columns: 'namespace text, name text, version int, record jsonb',
    row: (k, v) => ({ namespace: k.slice(0, k.indexOf('/')), name: k.slice(k.indexOf('/') + 1), ...v }),
  },
  'daemonset_spec.namespaces': { columns: 'name text, version int, record jsonb', row: (k, v) => ({ name: k, ...v }) },
};

/** The services' projections as they would stand after the history: its events folded in memory, then inserted. */
async function writeProjections(db: TestDatabase, projections: Record<string, ProjectionRows>): Promise<void> {
  for (const [table, rows] of Object.entries(projections)) {
    const { columns, row } = PROJECTION_TABLES[table];
    const names = columns.split(', ').map((c) => c.split(' ')[0]).join(', ');
    const all = [...rows].map(([k, v]) => row(k, v));
    for (let i = 0; i < all.length; i += 5000) {
      await db.adminDataSource.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${columns})`, [
        JSON.stringify(all.slice(i, i + 5000)),
      ]);
    }
  }
}

/** Writes the history (and the projections it folds to) into the bench database; returns the number of events written. */
async function generate(db: TestDatabase, p: ReplayParams): Promise<number> {
  progress(`${S}: generating a log of ${p.events.toLocaleString('en-US')} events (${p.nodes} nodes × ${p.daemonSets} DaemonSets, churn)`);
  const t0 = performance.now();
  let shown = 0;
  const live = new ProjectionRebuild();
  function* folded(history: Iterable<RecordedEvent[]>): Generator<RecordedEvent[]> {
    for (const tx of history) {
      for (const e of tx) live.add(e);
      yield tx;
    }
  }
  const written = await writeHistory(db.url, 'event_log.events', folded(clusterHistory({ events: p.events, nodes: p.nodes, daemonSets: p.daemonSets })), {
    onProgress: (n) => {
      if (n - shown >= p.events / 10) progress(`${S}: ${(shown = n).toLocaleString('en-US')} events written`);
    },
  });
  const genRate = written / ((performance.now() - t0) / 1000);
  record({ scenario: S, metric: 'log generation (hash-chained, INSERT)', value: Math.round(genRate), unit: 'events/s' });
  await writeProjections(db, live.result().projections);
  await db.adminDataSource.query('VACUUM ANALYZE event_log.events');
  return written;
}

async function profile(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'everynode-replay-prof-'));
  try {
    const { m } = await runFor('the profiled replay', ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'replay'], env, LINE);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    progress(`${S}: where the CLI's time goes (self time, ${m[0]}):`);
    for (const h of hotspots(join(dir, file), 20)) progress(`  ${(h.share * 100).toFixed(1).padStart(5)}%  ${String(h.ms).padStart(6)} ms  ${h.fn}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// replay: rebuild every projection from a big log with the real CLI (`everynode replay`). The log is
// generated straight into event_log.events of a bench database — a consistent cluster history with a
// valid hash chain — then vacuumed, as a log that has been sitting for a while is.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDataSource, createTestDatabase, databaseUrl, migrate, withDatabase } from '@everynode/platform';
import type { TestDatabase } from '@everynode/platform';
import { clusterHistory } from '../lib/cluster-history';
import { hotspots } from '../lib/cpu-profile';
import { writeHistory } from '../lib/log-rows';
import { runMeasured } from '../lib/measured-process';
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
}

const S = 'replay';
const CLI = resolve(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');
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
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url };
    const run = await runMeasured(process.execPath, [CLI, 'replay'], env);
    const m = LINE.exec(run.stdout);
    if (run.code !== 0 || !m) throw new Error(`everynode replay exited ${run.code}:\n${run.stdout}\n${run.stderr.slice(-2000)}`);
    const result = { events: Number(m[1]), seconds: Number(m[2]), rate: Number(m[3]), peakRssMiB: Math.round(run.peakRssBytes / 2 ** 20) };
    if (result.events !== written) throw new Error(`replay read ${result.events} events, the log holds ${written}`);
    record({ scenario: S, metric: `everynode replay of ${written.toLocaleString('en-US')} events`, value: result.seconds, unit: 's' });
    record({
      scenario: S,
      metric: 'replay rate',
      value: result.rate,
      unit: 'events/s',
      goal: `>= ${GOAL.toLocaleString('en-US')} events/s`,
      ...(limits ? { ratio: { of: 'lean log read', value: result.rate / limits.leanRead } } : {}),
    });
    record({ scenario: S, metric: 'replay peak RSS', value: result.peakRssMiB, unit: 'MiB' });
    if (p.profile === true || (p.profile === 'below-goal' && result.rate < GOAL)) await profile(env);
    return result;
  } finally {
    await db.drop();
  }
}

/** Writes the history into the bench database; returns the number of events written. */
async function generate(db: TestDatabase, p: ReplayParams): Promise<number> {
  progress(`${S}: generating a log of ${p.events.toLocaleString('en-US')} events (${p.nodes} nodes × ${p.daemonSets} DaemonSets, churn)`);
  const t0 = performance.now();
  let shown = 0;
  const written = await writeHistory(db.url, 'event_log.events', clusterHistory({ events: p.events, nodes: p.nodes, daemonSets: p.daemonSets }), {
    onProgress: (n) => {
      if (n - shown >= p.events / 10) progress(`${S}: ${(shown = n).toLocaleString('en-US')} events written`);
    },
  });
  const genRate = written / ((performance.now() - t0) / 1000);
  record({ scenario: S, metric: 'log generation (hash-chained, INSERT)', value: Math.round(genRate), unit: 'events/s' });
  await db.adminDataSource.query('VACUUM ANALYZE event_log.events');
  return written;
}

async function profile(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'everynode-replay-prof-'));
  try {
    const run = await runMeasured(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'replay'], env);
    if (run.code !== 0) throw new Error(`profiled replay exited ${run.code}: ${run.stderr.slice(-500)}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    progress(`${S}: where the CLI's time goes (self time, ${LINE.exec(run.stdout)?.[0] ?? ''}):`);
    for (const h of hotspots(join(dir, file), 20)) progress(`  ${(h.share * 100).toFixed(1).padStart(5)}%  ${String(h.ms).padStart(6)} ms  ${h.fn}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

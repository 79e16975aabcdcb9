// join latency: on a converged cluster, nodes join and leave at a steady rate (commands sent from here,
// as node agents would), then DaemonSets are deleted one by one. Every latency is computed afterwards
// from the log alone — recorded_at is one timestamp per transaction and the log is totally ordered —
// so nothing is timed in the hot path (only each command's round trip, as its sender sees it):
//  - join:   NodeJoined committed → the last of that node's M placements committed
//  - leave:  NodeLeft committed   → the last of its pods' PodRemoved committed
//  - delete: DaemonSetDeleted     → the last PodRemoved of that DaemonSet
import { COMMANDS } from '@everynode/contracts';
import { Stack, waitFor } from '../../test/support/stack';
import { availableParallelism } from 'node:os';
import { CpuMeter } from '../lib/cpu';
import { livePods } from '../lib/live-pods';
import { progress, record, recordLatencies } from '../lib/report';
import { slowWindows } from '../lib/slow-windows';
import { meta } from './converge';
import type { Limits } from './limits';

export interface ChurnParams {
  /** Node joins per second (and as many leaves, `leaveAfter` seconds later). */
  rate: number;
  seconds: number;
  /** Seconds a churned node stays before it leaves. */
  leaveAfter: number;
  /** Number of the first churned node: `churn-<first>`. */
  first: number;
}

export interface ChurnResult {
  nodes: string[];
  errors: number;
  /** How far behind its schedule the latest command was sent: the bench kept the rate if small. */
  maxLagMs: number;
  /** Round trip of each answered command (sent → answer), by pattern. */
  commandMs: { join: number[]; leave: number[] };
}

const S = 'join-latency';
/** Slow joins this close together count as one stall. */
const STALL_GAP_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends the joins and leaves on schedule (never waiting for an answer before the next), then waits for every answer. */
export async function churn(stack: Stack, p: ChurnParams, label = S): Promise<ChurnResult> {
  const joins = Math.max(1, Math.round(p.rate * p.seconds));
  const nodes = Array.from({ length: joins }, (_, i) => `churn-${p.first + i}`);
  const ops = [
    ...nodes.map((name, i) => ({ at: (i / p.rate) * 1000, pattern: COMMANDS.nodeJoin, name })),
    ...nodes.map((name, i) => ({ at: (i / p.rate + p.leaveAfter) * 1000, pattern: COMMANDS.nodeLeave, name })),
  ].sort((a, b) => a.at - b.at);
  progress(`${label}: ${joins} nodes join at ${p.rate}/s for ${p.seconds} s, each leaving ${p.leaveAfter} s after it joined`);
  let errors = 0;
  let sent = 0;
  let maxLagMs = 0;
  const answers: Promise<unknown>[] = [];
  const commandMs = { join: [] as number[], leave: [] as number[] };
  const t0 = performance.now();
  const ticker = setInterval(() => progress(`${label}: ${sent}/${ops.length} join/leave commands sent, ${errors} failed`), 2000);
  try {
    for (const op of ops) {
      const wait = t0 + op.at - performance.now();
      if (wait > 1) await sleep(wait);
      maxLagMs = Math.max(maxLagMs, performance.now() - t0 - op.at);
      const address = `10.200.${(p.first + sent) % 250}.${sent % 250}`;
      const data = op.pattern === COMMANDS.nodeJoin ? { meta: meta(), name: op.name, addresses: [{ type: 'InternalIP', address }] } : { meta: meta(), name: op.name };
      const sentAt = performance.now();
      const times = op.pattern === COMMANDS.nodeJoin ? commandMs.join : commandMs.leave;
      answers.push(stack.send(op.pattern, data).then(
        () => void times.push(performance.now() - sentAt),
        (e: Error) => {
          if (errors++ < 3) progress(`${label}: ${op.pattern} ${op.name} failed: ${e.message ?? JSON.stringify(e)}`);
        },
      ));
      sent++;
    }
    await Promise.all(answers);
    return { nodes, errors, maxLagMs, commandMs };
  } finally {
    clearInterval(ticker);
  }
}


const names = async (stack: Stack, type: string, nodes: string[]) =>
  new Set<string>((await stack.db.adminDataSource.query(`SELECT data->>'name' AS name FROM event_log.events WHERE type = $1 AND data->>'name' = ANY($2::text[])`, [type, nodes])).map((r: { name: string }) => r.name));

/**
 * Until every churned node that joined has left and every pod placed on one is removed. A command
 * that timed out may still have been carried out (a join after its leave was refused): the leave of
 * a node still there is sent again. Returns how many were still there at the deadline (0: settled).
 */
export async function settle(stack: Stack, nodes: string[], label = S, timeoutMs = 300_000): Promise<number> {
  let remaining = 0;
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; Date.now() < deadline; round++) {
    const joined = await names(stack, 'NodeJoined', nodes);
    const left = await names(stack, 'NodeLeft', nodes);
    const stayed = [...joined].filter((n) => !left.has(n));
    const live = await livePods(stack.db.adminDataSource, `s.data->>'node' = ANY($1::text[])`, [nodes]);
    progress(`${label}: ${left.size}/${joined.size} churned nodes left, ${live} of their pods still placed`);
    remaining = stayed.length;
    if (!stayed.length && !live) return 0;
    if (round % 10 === 9) {
      await Promise.all(stayed.map((name) => stack.send(COMMANDS.nodeLeave, { meta: meta(), name }).catch(() => undefined)));
    }
    await sleep(1000);
  }
  progress(`${label}: ${remaining} churned nodes did not leave within ${timeoutMs / 1000} s`);
  return remaining;
}

interface Span {
  key: string;
  pods: number;
  expected: number;
  ms: number | null;
  /** When the node joined or left (epoch ms). */
  at: number;
}

/** Join and leave latencies of `nodes`, from the log. */
export async function nodeLatencies(stack: Stack, nodes: string[]): Promise<{ join: Span[]; leave: Span[] }> {
  const q = (sql: string) => stack.db.adminDataSource.query(sql, [nodes]) as Promise<Span[]>;
  const scheduled = `SELECT data->>'node' AS key, count(*)::int AS pods, max(recorded_at) AS t1 FROM event_log.pod_events
                     WHERE type = 'PodScheduled' AND data->>'node' = ANY($1::text[]) GROUP BY 1`;
  const join = await q(`
    WITH j AS (SELECT data->>'name' AS key, recorded_at AS t0 FROM event_log.events WHERE type = 'NodeJoined' AND data->>'name' = ANY($1::text[])),
         p AS (${scheduled})
    SELECT j.key, coalesce(p.pods, 0) AS pods, 0 AS expected, extract(epoch FROM p.t1 - j.t0) * 1000 AS ms, extract(epoch FROM j.t0) * 1000 AS at
    FROM j LEFT JOIN p USING (key)`);
  const leave = await q(`
    WITH l AS (SELECT data->>'name' AS key, recorded_at AS t0 FROM event_log.events WHERE type = 'NodeLeft' AND data->>'name' = ANY($1::text[])),
         s AS (${scheduled}),
         r AS (SELECT data->>'node' AS key, count(*)::int AS pods, max(recorded_at) AS t1 FROM event_log.pod_events
               WHERE type = 'PodRemoved' AND data->>'node' = ANY($1::text[]) GROUP BY 1)
    SELECT l.key, coalesce(r.pods, 0) AS pods, coalesce(s.pods, 0) AS expected, extract(epoch FROM r.t1 - l.t0) * 1000 AS ms,
           extract(epoch FROM l.t0) * 1000 AS at
    FROM l LEFT JOIN s USING (key) LEFT JOIN r USING (key)`);
  return { join, leave };
}

export interface JoinLatencyParams extends ChurnParams {
  daemonSets: number;
}

/** The churn and its latencies. */
export async function joinLatency(stack: Stack, p: JoinLatencyParams): Promise<ChurnResult> {
  const cpu = await new CpuMeter(stack).begin();
  const started = performance.now();
  const result = await churn(stack, p);
  // Whether the machine kept up: CPU used while the churn ran, against what its cores allow.
  const used = await cpu.end();
  const wallSeconds = (performance.now() - started) / 1000;
  const total = [...used.values()].reduce((a, b) => a + b, 0);
  record({ scenario: S, metric: `CPU busy during the churn (of ${availableParallelism()} cores)`, value: Math.round((100 * total) / (wallSeconds * availableParallelism())), unit: '%' });
  for (const [part, seconds] of [...used].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    record({ scenario: S, metric: `CPU during the churn: ${part}`, value: Math.round((100 * seconds) / wallSeconds), unit: '% of a core' });
  }
  const remaining = await settle(stack, result.nodes);
  if (remaining) record({ scenario: S, metric: 'churned nodes still present 300 s after the churn', value: remaining, unit: 'nodes' });
  const { join, leave } = await nodeLatencies(stack, result.nodes);
  const complete = join.filter((s) => s.pods === p.daemonSets && s.ms !== null);
  // A node whose pods were all placed before it left, and all removed after.
  const cleared = leave.filter((s) => s.expected > 0 && s.pods === s.expected && s.ms !== null);
  record({ scenario: S, metric: `churn: ${result.nodes.length} joins + leaves at ${p.rate}/s each, latest command behind schedule`, value: Math.round(result.maxLagMs), unit: 'ms' });
  record({ scenario: S, metric: `churn commands failed (of ${2 * result.nodes.length}; request timeout 15 s)`, value: result.errors, unit: 'cmds', goal: '0' });
  recordLatencies(S, 'join command round trip (sent → answered)', result.commandMs.join);
  recordLatencies(S, 'leave command round trip (sent → answered)', result.commandMs.leave);
  record({ scenario: S, metric: `churned nodes that joined (of ${result.nodes.length})`, value: join.length, unit: 'nodes' });
  recordLatencies(S, `join → all ${p.daemonSets} pods placed`, complete.map((s) => Number(s.ms)), '< 100 ms p99');
  recordStalls(complete);
  if (complete.length < join.length) record({ scenario: S, metric: `joins not fully placed before the node left`, value: join.length - complete.length, unit: 'nodes' });
  recordLatencies(S, 'leave → all its pods removed', cleared.map((s) => Number(s.ms)));
  return result;
}

/** How the joins over 100 ms cluster: a few stalls or a spread; the worst windows' times go to the progress log. */
function recordStalls(joins: Span[]): void {
  const windows = slowWindows(joins.map((s) => ({ at: Number(s.at), ms: Number(s.ms) })), 100, STALL_GAP_MS);
  const slow = windows.reduce((n, w) => n + w.count, 0);
  record({ scenario: S, metric: `joins over 100 ms (of ${joins.length})`, value: slow, unit: 'joins' });
  record({ scenario: S, metric: `stalls: windows of joins over 100 ms (each within ${STALL_GAP_MS} ms of the last)`, value: windows.length, unit: 'windows' });
  const time = (at: number) => new Date(at).toISOString().slice(11, 23);
  for (const w of windows.slice(0, 5)) progress(`${S}: stall ${time(w.from)}–${time(w.to)}: ${w.count} joins over 100 ms, up to ${Math.round(w.maxMs)} ms`);
}

/** Deletes `count` DaemonSets one after another (the last ones), each timed from the log. */
export async function deletionLatency(stack: Stack, p: { count: number; daemonSets: number; nodes: number }, limits?: Limits): Promise<void> {
  const names = Array.from({ length: Math.min(p.count, p.daemonSets) }, (_, i) => `ds-${String(p.daemonSets - i).padStart(2, '0')}`);
  const db = stack.db.adminDataSource;
  const owned = `s.data->>'namespace' = 'bench' AND s.data->>'daemonSet' = $1`;
  for (const name of names) {
    // Counted before (a scan of every placement), then only the removals after the delete are polled: a few
    // probes of the log's (type, position) index, not a scan competing with the deletion it waits for.
    const live = await livePods(db, owned, [name]);
    const [{ head }] = await db.query('SELECT coalesce(max(position), 0) AS head FROM event_log.events');
    progress(`${S}: deleting DaemonSet ${name} (${live} pods)`);
    await stack.send(COMMANDS.daemonSetDelete, { meta: meta(), namespace: 'bench', name });
    const removed = async () =>
      Number((await db.query(
        `SELECT count(*) AS n FROM event_log.pod_events WHERE type = 'PodRemoved' AND position > $1 AND data->>'namespace' = 'bench' AND data->>'daemonSet' = $2`,
        [head, name],
      ))[0].n);
    await waitFor(`${name}'s ${live} pods removed`, async () => (await removed()) >= live, 300_000, 200);
    const left = await livePods(db, owned, [name]);
    if (left) throw new Error(`${left} pods of ${name} still placed after its deletion`);
  }
  const spans: Span[] = await stack.db.adminDataSource.query(
    `WITH d AS (SELECT data->>'name' AS key, recorded_at AS t0 FROM event_log.events WHERE type = 'DaemonSetDeleted' AND data->>'name' = ANY($1::text[])),
          r AS (SELECT data->>'daemonSet' AS key, count(*)::int AS pods, max(recorded_at) AS t1 FROM event_log.pod_events
                WHERE type = 'PodRemoved' AND data->>'reason' = 'DaemonSetDeleted' AND data->>'daemonSet' = ANY($1::text[]) GROUP BY 1)
     SELECT d.key, coalesce(r.pods, 0) AS pods, 0 AS expected, extract(epoch FROM r.t1 - d.t0) * 1000 AS ms FROM d LEFT JOIN r USING (key)`,
    [names],
  );
  const done = spans.filter((s) => s.ms !== null);
  recordLatencies(S, `DaemonSet delete → all its pods removed (${p.nodes} pods each)`, done.map((s) => Number(s.ms)));
  const pods = done.reduce((n, s) => n + s.pods, 0);
  const seconds = done.reduce((n, s) => n + Number(s.ms), 0) / 1000;
  if (seconds > 0) {
    const rate = pods / seconds;
    record({
      scenario: S,
      metric: 'pod removals per second (DaemonSet delete)',
      value: Math.round(rate),
      unit: '/s',
      ...(limits ? { ratio: { of: 'append+publish limit', value: rate / limits.appendPublish } } : {}),
    });
  }
}

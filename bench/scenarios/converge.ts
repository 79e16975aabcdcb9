// converge: N nodes already joined, then M DaemonSets applied at once. Time until every placement is
// durable in the log, and until every pod is Ready; placements/s; peak RSS of each service.
import { randomUUID } from 'node:crypto';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '@everynode/contracts';
import { Stack, waitFor } from '../../test/support/stack';
import { progress, record } from '../lib/report';
import { CpuMeter } from '../lib/cpu';
import { livePods } from '../lib/live-pods';
import { RssSampler } from '../lib/rss';

export interface ConvergeParams {
  nodes: number;
  daemonSets: number;
  /** Decisions/s the machine allows (from `limits`), for the ratio. */
  limit?: number;
}

export const meta = () => ({ actor: 'bench', requestId: randomUUID(), request: 'bench' });

export const daemonSetManifest = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: 'bench' },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image: `example/${name}:1`, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
  },
});

async function count(stack: Stack, sql: string): Promise<number> {
  const [row] = await stack.db.adminDataSource.query(sql);
  return Number(row.n);
}

/**
 * BENCH_CPU_PROF=scheduler,node-agent runs those services under --cpu-prof; converge then stops them
 * gracefully once every placement is durable (the profile is written at exit) and skips the Ready wait.
 * With BENCH_CPU_PROF_UNTIL=end they run on through the later scenarios and stop before the teardown.
 */
const PROFILED = new Set((process.env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean));
const PROFILE_CONVERGE_ONLY = PROFILED.size > 0 && process.env.BENCH_CPU_PROF_UNTIL !== 'end';

/** Stops the profiled services gracefully: V8 writes a profile at exit. */
export async function stopProfiled(stack: Stack): Promise<void> {
  for (const service of PROFILED) if (stack.processes.has(service)) await stack.terminate(service);
  if (PROFILED.size) progress(`CPU profiles of ${[...PROFILED].join(', ')} written to bench/profiles`);
}
/** Node flags of a service: --cpu-prof when profiled; BENCH_TRACE_GC=<service> logs its GCs (--trace-gc, in its log). */
const nodeFlags = (service: string) => [
  ...(PROFILED.has(service) ? ['--cpu-prof', '--cpu-prof-dir', join(process.cwd(), 'bench', 'profiles')] : []),
  ...(process.env.BENCH_TRACE_GC === service ? ['--trace-gc'] : []),
  ...(process.env.BENCH_NODE_FLAGS_SERVICES?.split(',').includes(service) ? (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean) : []),
];

/** Starts a stack with an agent of N nodes, returns it converged with no DaemonSet yet. */
export async function clusterOf(nodes: number, label: string): Promise<Stack> {
  const stack = await Stack.create(label, {
    RESYNC_INTERVAL_MS: '60000',
    POD_RELIST_INTERVAL_MS: '300000', // the agent's default (the test stack's is 2 s)
    NODE_LEASE_DURATION_MS: '600000',
    HEARTBEAT_INTERVAL_MS: '20000',
    POD_START_DELAY_MS: process.env.BENCH_POD_START_DELAY_MS ?? '1000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  await Promise.all((['node-registry', 'daemonset-spec', 'scheduler'] as const).map((s) => stack.start(s, {}, s, nodeFlags(s))));
  await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'bench' });
  const started = Date.now();
  await stack.start('node-agent', { SIM_NODES: String(nodes), AGENT_ID: 'bench' }, 'node-agent', nodeFlags('node-agent'));
  // The simulated kubelets stand in for 5,000 machines of their own: at the lowest priority, so that they
  // take what the control plane leaves of the 2 cores instead of competing with it as equals.
  setPriority(stack.processes.get('node-agent')!.pid!, 19);
  await waitFor(`${nodes} nodes`, async () => (await count(stack, 'SELECT count(*) AS n FROM node_registry.nodes WHERE record IS NOT NULL')) === nodes, 300_000, 200);
  progress(`converge: ${nodes} nodes joined in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stack;
}

export async function converge(p: ConvergeParams, keep = false): Promise<Stack | undefined> {
  const stack = await clusterOf(p.nodes, 'bench_converge');
  const total = p.nodes * p.daemonSets;
  const rss = new RssSampler(new Map([...stack.ports].map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`]))).start();
  let kept: Stack | undefined;
  try {
    const cpu = await new CpuMeter(stack).begin();
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: p.daemonSets }, (_, i) =>
        stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: daemonSetManifest(`ds-${String(i + 1).padStart(2, '0')}`) }),
      ),
    );
    // Polled cheaply (the scheduler's own count of committed pods; a count(*) of 150,000 rows every 50 ms
    // would take a fifth of a core from what is measured), then confirmed in the database.
    let last = 0;
    let at = 0;
    await waitFor('every placement committed', async () => {
      const n = (await stack.metric('scheduler', 'everynode_scheduler_pods')) ?? 0;
      if (n - last >= total / 10) {
        progress(`converge: ${n}/${total} placed`);
        last = n;
      }
      at = Date.now();
      return n >= total;
    }, 600_000, 50);
    const used = await cpu.end();
    // Confirmed from the log itself (a scan of every placement: after the CPU meter, which it would distort).
    await waitFor('every placement durable', async () => (await livePods(stack.db.adminDataSource)) >= total, 60_000, 100);
    const scheduled = (at - t0) / 1000;
    record({ scenario: 'converge', metric: `time to ${total} placements durable`, value: scheduled, unit: 's', goal: '<= 10 s (stretch 6 s)' });
    const rate = total / scheduled;
    record({
      scenario: 'converge',
      metric: 'placements per second',
      value: Math.round(rate),
      unit: '/s',
      ...(p.limit ? { ratio: { of: 'append+publish limit', value: rate / p.limit } } : {}),
      goal: '>= 40% of the limit',
    });
    if (PROFILE_CONVERGE_ONLY) await stopProfiled(stack);
    // Where the time went: CPU seconds per part while placing (independent of what else the machine does).
    const cpuSeconds = [...used.values()].reduce((a, b) => a + b, 0);
    record({ scenario: 'converge', metric: 'CPU seconds while placing, all parts', value: Number(cpuSeconds.toFixed(1)), unit: 's' });
    for (const [part, seconds] of [...used].sort((a, b) => b[1] - a[1])) {
      record({ scenario: 'converge', metric: `CPU µs per placement: ${part}`, value: Math.round((seconds * 1e6) / total), unit: 'µs' });
    }
    if (PROFILE_CONVERGE_ONLY) return undefined;
    // Read on from where the last poll stopped (a few probes of the (type, position) index), not a scan of
    // every status change each second, which took a quarter of a core from the kubelets' reports it waits for.
    const ready = new Set<string>();
    let seen = 0;
    await waitFor('every pod Ready', async () => {
      const rows: { stream: string; position: string }[] = await stack.db.adminDataSource.query(
        `SELECT stream, position FROM event_log.pod_events WHERE type = 'PodStatusChanged' AND position > $1 AND data->>'ready' = 'true'`,
        [seen],
      );
      for (const r of rows) {
        ready.add(r.stream);
        seen = Math.max(seen, Number(r.position));
      }
      progress(`converge: ${ready.size}/${total} ready`);
      return ready.size >= total;
    }, 600_000, 1000);
    record({ scenario: 'converge', metric: `time to ${total} pods Ready`, value: (Date.now() - t0) / 1000, unit: 's' });
    await rss.sample();
    for (const [name, bytes] of rss.peaks) {
      record({ scenario: 'converge', metric: `peak RSS ${name}`, value: Math.round(bytes / 2 ** 20), unit: 'MiB', ...(name === 'scheduler' ? { goal: '< 1024 MiB' } : {}) });
    }
    if (keep) kept = stack;
    return kept;
  } finally {
    rss.stop();
    // Whatever is not handed back is torn down (a profiled converge that stops early as well: it leaked its services).
    if (!kept) await stack.teardown();
  }
}

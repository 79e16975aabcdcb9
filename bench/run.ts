// `npm run bench -- [scenario ...] [--nodes N] [--daemonsets M] [--rate R] [--seconds S] [--events E] [--smoke]`
// Starts its own stack (private database and NATS prefix), drives it with simulated node agents and
// the real API, prints a table and keeps the figures as JSON under bench/results/. See bench/README.md.
import type { Stack } from '../test/support/stack';
import { Figure, failures, figures, machine, markdownTable, printTable, progress, recordFailure, saveResults } from './lib/report';
import { livePods } from './lib/live-pods';
import { listPods, startGateway, watchFanOut } from './scenarios/api';
import { converge, stopProfiled } from './scenarios/converge';
import { ChurnParams, deletionLatency, joinLatency } from './scenarios/join-latency';
import { DEFAULT_LIMITS, Limits, LimitsParams, measureLimits } from './scenarios/limits';
import { replay } from './scenarios/replay';

export const SCENARIOS = ['limits', 'converge', 'join-latency', 'api', 'replay'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: Scenario[];
  nodes: number;
  daemonSets: number;
  /** Churn: node joins per second (and as many leaves). */
  rate: number;
  /** Churn duration of join-latency. */
  seconds: number;
  /** Seconds a churned node stays. */
  leaveAfter: number;
  /** DaemonSets deleted (one by one) at the end of join-latency. */
  deletions: number;
  /** Events of the replay log. */
  events: number;
  listRequests: number;
  watchers: number;
  /** Churn duration while the watchers watch. */
  watchSeconds: number;
  limits: LimitsParams;
  /** Profile the replay CLI: always (true), never (false), or when it misses its goal (undefined). */
  profile?: boolean;
}

export const FULL: Omit<BenchOptions, 'scenarios'> = {
  nodes: 5000,
  daemonSets: 30,
  rate: 100,
  seconds: 60,
  leaveAfter: 10,
  deletions: 3,
  events: 1_000_000,
  listRequests: 5,
  watchers: 100,
  watchSeconds: 5,
  limits: DEFAULT_LIMITS,
};

/** Small enough to finish in well under a minute: checks that every scenario works, not how fast. */
export const SMOKE: Omit<BenchOptions, 'scenarios'> = {
  nodes: 50,
  daemonSets: 3,
  rate: 10,
  seconds: 1,
  leaveAfter: 2,
  deletions: 2,
  events: 20_000,
  listRequests: 2,
  watchers: 10,
  watchSeconds: 1,
  limits: { ...DEFAULT_LIMITS, events: 10_000 },
  profile: false,
};

const USAGE = `npm run bench -- [${SCENARIOS.join('|')} ...] [--nodes N] [--daemonsets M] [--rate R] [--seconds S] [--events E]
                 [--leave-after S] [--deletions D] [--watchers W] [--watch-seconds S] [--list-requests K]
                 [--limit-events E] [--profile | --no-profile] [--smoke]`;

const NUMERIC: Record<string, (o: BenchOptions, v: number) => void> = {
  nodes: (o, v) => (o.nodes = v),
  daemonsets: (o, v) => (o.daemonSets = v),
  rate: (o, v) => (o.rate = v),
  seconds: (o, v) => (o.seconds = v),
  events: (o, v) => (o.events = v),
  'leave-after': (o, v) => (o.leaveAfter = v),
  deletions: (o, v) => (o.deletions = v),
  watchers: (o, v) => (o.watchers = v),
  'watch-seconds': (o, v) => (o.watchSeconds = v),
  'list-requests': (o, v) => (o.listRequests = v),
  'limit-events': (o, v) => (o.limits = { ...o.limits, events: v }),
};

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { ...(argv.includes('--smoke') ? SMOKE : FULL), scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      if (!(SCENARIOS as readonly string[]).includes(a)) throw new Error(`unknown scenario "${a}"\n${USAGE}`);
      o.scenarios.push(a as Scenario);
    } else if (m[1] === 'smoke') continue;
    else if (m[1] === 'profile' || m[1] === 'no-profile') o.profile = m[1] === 'profile';
    else if (NUMERIC[m[1]]) {
      const v = Number(m[2] ?? argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`--${m[1]} needs a positive number\n${USAGE}`);
      NUMERIC[m[1]](o, v);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!o.scenarios.length) o.scenarios = [...SCENARIOS];
  return o;
}

/**
 * Runs the scenarios in an order that lets them share one converged cluster; returns the figures. A
 * scenario that fails is reported (`failures`) and the others still run.
 */
export async function runBench(o: BenchOptions): Promise<Figure[]> {
  const wants = (s: Scenario) => o.scenarios.includes(s);
  const step = async (scenario: Scenario, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      recordFailure(scenario, e as Error);
    }
  };
  let limits: Limits | undefined;
  if (wants('limits')) await step('limits', async () => void (limits = await measureLimits(o.limits)));

  if (wants('converge') || wants('join-latency') || wants('api')) {
    let stack: Stack | undefined;
    await step('converge', async () => void (stack = await converge({ nodes: o.nodes, daemonSets: o.daemonSets, limit: limits?.appendPublish }, true)));
    if (stack) {
      const cluster = stack;
      const stop = () => void cluster.teardown().finally(() => process.exit(130));
      process.once('SIGINT', stop);
      try {
        const churn = { rate: o.rate, leaveAfter: o.leaveAfter };
        const watchChurn = { ...churn, seconds: o.watchSeconds, first: 1 };
        // The API first, on the freshly converged cluster; the gateway then stops so that its fold of
        // every event does not compete with the churn and the deletions.
        if (wants('api')) await step('api', () => api(cluster, o, limits, watchChurn));
        if (wants('join-latency')) {
          const first = 1 + (wants('api') ? Math.ceil(o.rate * o.watchSeconds) : 0);
          await step('join-latency', async () => void (await joinLatency(cluster, { ...churn, seconds: o.seconds, first, daemonSets: o.daemonSets })));
          await step('join-latency', () => deletionLatency(cluster, { count: o.deletions, daemonSets: o.daemonSets, nodes: o.nodes }, limits));
        }
      } finally {
        process.removeListener('SIGINT', stop);
        await stopProfiled(cluster);
        await cluster.teardown();
      }
    }
  }

  if (wants('replay')) {
    await step('replay', async () => void (await replay({ events: o.events, nodes: o.nodes, daemonSets: o.daemonSets, profile: o.profile ?? 'below-goal' }, limits)));
  }
  return figures;
}

async function api(stack: Stack, o: BenchOptions, limits: Limits | undefined, churn: ChurnParams): Promise<void> {
  const gateway = await startGateway(stack);
  try {
    const n = await livePods(stack.db.adminDataSource);
    const p = { listRequests: o.listRequests, watchers: o.watchers, churn };
    const resourceVersion = await listPods(gateway, p, n, limits);
    await watchFanOut(stack, gateway, p, resourceVersion, limits);
  } finally {
    gateway.close();
    await stack.kill('api-gateway');
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const m = machine();
  progress(`bench: ${o.scenarios.join(', ')} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, load average ${m.loadAverage.join(' ')}`);
  const t0 = Date.now();
  try {
    await runBench(o);
  } finally {
    if (figures.length || failures.length) {
      const file = saveResults({ ...o, loadAverageAtStart: m.loadAverage });
      console.log(`\n${printTable()}\n`);
      console.log(`figures saved to ${file}; as Markdown:\n\n${markdownTable()}\n`);
    }
    progress(`bench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${machine().loadAverage.join(' ')}`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(failures.length ? 1 : 0),
    (e: Error) => {
      console.error(e.stack ?? e.message);
      process.exit(1);
    },
  );
}

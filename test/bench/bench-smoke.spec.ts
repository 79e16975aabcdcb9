// Every benchmark scenario, tiny (50 nodes × 3 DaemonSets, 20 churn commands, a 20,000-event replay):
// it must run end to end on its own stack and produce sane figures. No timing is asserted.
import { runBench, SCENARIOS, SMOKE } from '../../bench/run';
import { failures, output, type Figure } from '../../bench/lib/report';

describe('npm run bench -- --smoke', () => {
  let figures: Figure[];
  const value = (scenario: string, metric: string | RegExp) => {
    const f = figures.find((x) => x.scenario === scenario && (typeof metric === 'string' ? x.metric.startsWith(metric) : metric.test(x.metric)));
    if (!f) throw new Error(`no figure "${metric}" in ${scenario}: ${figures.map((x) => `${x.scenario}/${x.metric}`).join(', ')}`);
    return f.value;
  };
  const positive = (v: number) => expect(Number.isFinite(v) && v > 0).toBe(true);

  beforeAll(async () => {
    output.quiet = true;
    figures = await runBench({ ...SMOKE, scenarios: [...SCENARIOS] });
  }, 150_000);

  it('finishes every scenario', () => {
    expect(failures).toEqual([]);
  });

  it('measures the machine limits', () => {
    for (const m of ['raw append', 'raw log read', 'raw JetStream publish', 'raw durable consumer', 'append+publish']) positive(value('limits', m));
  });

  it('converges the cluster and relates its rate to the limit', () => {
    positive(value('converge', 'time to 150 placements durable'));
    positive(value('converge', 'placements per second'));
    expect(figures.find((f) => f.metric === 'placements per second')?.ratio?.of).toBe('append+publish limit');
    positive(value('converge', 'peak RSS scheduler'));
  });

  it('times every churned join and leave, and the DaemonSet deletions, from the log', () => {
    // 10 joins and 10 leaves: every node fully placed and cleared (latencies can be 0 ms: one transaction's timestamp).
    for (const what of ['join → all 3 pods placed p50 (n=10)', 'leave → all its pods removed p50 (n=10)', 'DaemonSet delete → all its pods removed (50 pods each) p50 (n=2)']) {
      expect(value('join-latency', what)).toBeGreaterThanOrEqual(0);
    }
    expect(figures.some((f) => f.metric.startsWith('joins not fully placed'))).toBe(false);
    positive(value('join-latency', 'pod removals per second'));
  });

  it('lists every pod as a Table and fans watch events out to every watcher', () => {
    positive(value('api', /^list 150 pods as Table p50/));
    const changes = Number(/the log has (\d+) pod changes/.exec(figures.find((f) => f.metric.includes('the log has'))!.metric)![1]);
    expect(changes).toBeGreaterThanOrEqual(10 * 3 * 2); // 10 churned nodes × 3 pods, placed and removed
    expect(value('api', 'watch: fewest events one watcher got')).toBe(changes);
    expect(value('api', /^watch: events delivered to 10 watchers/)).toBe(10 * changes);
    positive(value('api', 'watch fan-out'));
  });

  it('replays a generated log of at least 20,000 events with the CLI, batched and one pod an event', () => {
    expect(figures.find((f) => f.metric.startsWith('everynode replay of'))?.metric).toMatch(/of 20,\d{3} events/);
    positive(value('replay', 'replay rate'));
    expect(figures.find((f) => f.metric === 'replay rate')?.ratio?.of).toBe('reading this log');
    positive(value('replay', /^read limit of this log/));
    positive(value('replay', 'replay rate, one pod an event'));
    positive(value('replay', 'replay peak RSS'));
  });
});

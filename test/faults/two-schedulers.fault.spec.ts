// Fault 4: two scheduler replicas at once (sharing the durable consumer, both resyncing from the log) through
// the first converge, five fleet rollouts and node churn. They race for the same decisions; the stale-view
// check under the log lock and the pod streams' expected versions let only one win: never two pods of one
// DaemonSet on one node.
import { churnPool, FaultCluster, FLEET, NodeChurn } from './support/fault-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault 4: two scheduler replicas at once', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ label: 'fault_two', agentNodes: 100, agentEnv: { POD_START_DELAY_MS: '500' } });
    await cluster.stack.start('scheduler', {}, 'scheduler-b');
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  it('never places two pods of one DaemonSet on one node, and the work completes', async () => {
    const churn = NodeChurn.viaCommands(cluster, churnPool(12), 150).start();
    await Promise.all([cluster.apply(FLEET.everywhere('r0')), cluster.apply(FLEET.simulated('r0')), cluster.apply(FLEET.edge('r0'))]);
    for (const revision of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      await sleep(500);
      await Promise.all([cluster.apply(FLEET.everywhere(revision)), cluster.apply(FLEET.simulated(revision))]);
    }
    const churned = await churn.stop();
    const report = await cluster.waitConverged('the converge with two schedulers');
    expect(report.doublePlacements).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.projectionDiffs).toEqual([]);

    // Both replicas took part: each decided something, and the races they lost were retried, not doubled.
    const actions = { a: await cluster.metricSum('scheduler', 'everynode_scheduler_actions_total'), b: await cluster.metricSum('scheduler-b', 'everynode_scheduler_actions_total') };
    const conflicts = (await cluster.metricSum('scheduler', 'everynode_scheduler_conflicts_total')) + (await cluster.metricSum('scheduler-b', 'everynode_scheduler_conflicts_total'));
    expect(actions.a).toBeGreaterThan(0);
    expect(actions.b).toBeGreaterThan(0);

    console.log(
      `fault 4: two schedulers, ${report.podsScheduled} placements replayed, none doubled; actions ${actions.a} + ${actions.b}, ` +
        `${conflicts} lost races retried; ${churned.joins} joins/${churned.leaves} leaves; ${report.events} events verified`,
    );
  }, 120_000);
});

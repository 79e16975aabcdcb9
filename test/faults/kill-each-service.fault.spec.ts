// Fault 1: `kill -9` of each service in turn — node-registry, daemonset-spec, scheduler, api-gateway, and the
// process holding the relay lock — in the middle of a converge (300 simulated nodes, 3 DaemonSets, a rollout
// replacing a whole fleet of pods) while nodes join and leave. After each restart the cluster converges, the
// hash chain verifies, no (DaemonSet, node) ever had two live pods, and the projections equal their rebuild.
import type { ServiceName } from '../support/stack';
import { churnPool, FaultCluster, FLEET, NAMESPACE, NodeChurn } from './support/fault-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VICTIMS = ['node-registry', 'daemonset-spec', 'scheduler', 'api-gateway', 'relay'] as const;

describe('fault 1: kill -9 of each service in the middle of a converge', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    // Pods take ~4 s to start: a kill shortly after a rollout begins lands in the middle of it, even when a loaded
    // CI machine makes the audit taken just before the kill slow.
    cluster = await FaultCluster.start({ label: 'fault_kill', agentNodes: 300, gateway: true, agentEnv: { POD_START_DELAY_MS: '4000' } });
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  it('converges after every crash; nothing lost, nothing placed twice, projections equal their rebuild', async () => {
    await Promise.all([cluster.apply(FLEET.everywhere('r0')), cluster.apply(FLEET.simulated('r0')), cluster.apply(FLEET.edge('r0'))]);
    await cluster.waitConverged('the first converge');
    const pool = churnPool(12);
    const rounds: string[] = [];

    for (const [round, victim] of VICTIMS.entries()) {
      const churn = NodeChurn.viaCommands(cluster, pool).start();
      // Roll a whole fleet: every pod of the DaemonSet is removed and placed again, then started by the agent.
      await cluster.apply((round % 2 ? FLEET.simulated : FLEET.everywhere)(`r${round + 1}`));
      await sleep(300);
      const instance = victim === 'relay' ? await cluster.relayHolder() : victim;
      expect(instance).toBeDefined();
      const atKill = await cluster.audit();
      await cluster.stack.kill(instance!);
      const pending = atKill.violations.length + cluster.unreadyAgentPods(atKill).length;
      expect(pending).toBeGreaterThan(0); // the kill really was mid-converge

      await sleep(300);
      await cluster.stack.start(instance as ServiceName);
      const churned = await churn.stop();
      const started = Date.now();
      const report = await cluster.waitConverged(`the converge after killing ${victim} (${instance})`);
      rounds.push(`${victim}${victim === 'relay' ? `=${instance}` : ''}: ${pending} pending at the kill, converged ${Date.now() - started} ms after restart, ` +
        `${churned.joins} joins/${churned.leaves} leaves (${churned.failures} refused), log at ${report.events}`);
    }

    const final = await cluster.waitConverged('the final converge');
    expect(final.chainProblem).toBeNull();
    expect(final.chainChecked).toBe(final.events);
    expect(final.doublePlacements).toEqual([]);
    expect(final.violations).toEqual([]);
    expect(final.projectionDiffs).toEqual([]);
    expect(final.eligibleSlots).toBeGreaterThanOrEqual(600);

    // The relay lost nothing across the crashes: every event of the log reached JetStream, exactly once.
    const head = await cluster.store.headPosition();
    let held = await cluster.jetStreamEvents();
    for (let i = 0; i < 40 && held.distinct < head; i++, await sleep(250)) held = await cluster.jetStreamEvents();
    expect(held.distinct).toBeGreaterThanOrEqual(head);
    expect(held.events).toBe(held.distinct);

    // The restarted api-gateway folded the same log: its pods are the log's.
    const listed = await cluster.api('GET', `/api/v1/namespaces/${NAMESPACE}/pods`);
    expect(listed.status).toBe(200);
    const after = await cluster.audit();
    expect((listed.body.items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort()).toEqual(
      [...after.model.pods.values()].filter((p) => p.namespace === NAMESPACE).map((p) => p.name).sort(),
    );

    console.log(
      `fault 1: ${VICTIMS.length} crashes survived; ${final.events} events verified, ${final.podsScheduled} placements replayed, ` +
        `${final.eligibleSlots} (DaemonSet, node) slots checked\n  ${rounds.join('\n  ')}`,
    );
  }, 240_000);
});

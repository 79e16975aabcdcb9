// Fault 6: graceful shutdown. SIGTERM to the scheduler in the middle of a converge: the reconcile pass and the
// event batch in flight finish (or go back to JetStream at once), the process exits 0 within seconds, and after
// a restart the cluster converges with no pod placed twice. Then every other service: SIGTERM, exit 0, quickly.
import type { ServiceName } from '../support/stack';
import { waitFor } from '../support/stack';
import { churnPool, FaultCluster, FLEET, NodeChurn } from './support/fault-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EXIT_WITHIN_MS = 5000;

describe('fault 6: graceful shutdown (SIGTERM) of every service', () => {
  let cluster: FaultCluster;
  const exits: string[] = [];

  beforeAll(async () => {
    cluster = await FaultCluster.start({ label: 'fault_term', agentNodes: 100, gateway: true });
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  async function terminate(instance: string): Promise<void> {
    const end = await cluster.stack.terminate(instance, 15_000);
    exits.push(`${instance} ${end.code ?? end.signal} in ${end.ms} ms`);
    expect({ instance, code: end.code, signal: end.signal, killed: end.killed }).toEqual({ instance, code: 0, signal: null, killed: false });
    expect(end.ms).toBeLessThan(EXIT_WITHIN_MS);
  }

  it('stops the scheduler mid-converge without losing or doubling work', async () => {
    const churn = NodeChurn.viaCommands(cluster, churnPool(10)).start();
    await Promise.all([cluster.apply(FLEET.everywhere('r0')), cluster.apply(FLEET.simulated('r0')), cluster.apply(FLEET.edge('r0'))]);
    await sleep(300);
    const atStop = await cluster.audit();
    await terminate('scheduler');
    expect(atStop.violations.length + cluster.unreadyAgentPods(atStop).length).toBeGreaterThan(0); // mid-converge

    await cluster.stack.start('scheduler');
    await churn.stop();
    const report = await cluster.waitConverged('the converge after the SIGTERM');
    expect(report.doublePlacements).toEqual([]);
    expect(report.projectionDiffs).toEqual([]);
    // What the stopped scheduler had pulled went back at once: nothing waits out an ack timeout.
    await waitFor('the scheduler consumer drained', async () => {
      const lag = await cluster.consumerLag('scheduler');
      return lag.pending === 0 && lag.unacked === 0;
    }, 10_000, 250);
  }, 90_000);

  it('exits 0 within seconds on SIGTERM, every service', async () => {
    const instances = ['node-agent', 'api-gateway', 'scheduler', 'daemonset-spec', 'node-registry'];
    for (const instance of instances) await terminate(instance);
    await Promise.all(instances.filter((i) => i !== 'node-agent').map((i) => cluster.stack.start(i as ServiceName)));
    await cluster.startAgent();
    await cluster.apply(FLEET.everywhere('r1'));
    const report = await cluster.waitConverged('the converge after restarting everything');
    expect(report.doublePlacements).toEqual([]);
    console.log(`fault 6: ${exits.length} graceful stops, all exit 0: ${exits.join(', ')}; ${report.events} events verified`);
  }, 90_000);
});

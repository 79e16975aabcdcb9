// Fault 3: PostgreSQL killed (postmaster and every backend: a crash, then crash recovery) while nodes join and
// leave through the Kubernetes API. While it is down the API refuses writes with 503 and a Kubernetes Status
// (never a 500, never a hang); afterwards nothing half-written remains — the hash chain verifies and every
// projection equals its rebuild — and the services reconnect by themselves.
import { isKubeStatus } from '@everynode/contracts';
import { waitFor } from '../support/stack';
import { churnPool, daemonSet, FaultCluster, FLEET, NAMESPACE, NodeChurn } from './support/fault-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SERVICES = ['node-registry', 'daemonset-spec', 'scheduler', 'api-gateway'];

describe('fault 3: PostgreSQL stopped and restarted', () => {
  let cluster: FaultCluster;
  const answers: { what: string; status: number; reason?: string }[] = [];

  beforeAll(async () => {
    cluster = await FaultCluster.start({ label: 'fault_pg', agentNodes: 30, gateway: true });
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  async function write(what: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const answer = await cluster.api(method, path, body).catch((error) => ({ status: 0, body: String(error) }));
    answers.push({ what, status: answer.status, reason: answer.body?.reason });
    return answer;
  }
  const churnOps = {
    join: async (name: string, labels: Record<string, string>) => {
      const a = await write(`create node ${name}`, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
      if (a.status !== 201) throw isKubeStatus(a.body) ? a.body : new Error(String(a.status));
    },
    leave: async (name: string) => {
      const a = await write(`delete node ${name}`, 'DELETE', `/api/v1/nodes/${name}`);
      if (a.status !== 200) throw isKubeStatus(a.body) ? a.body : new Error(String(a.status));
    },
  };

  it('answers 503 with a Status while it is down; afterwards nothing is half-written and everything reconnects', async () => {
    await Promise.all([cluster.apply(FLEET.everywhere('r0')), cluster.apply(FLEET.simulated('r0')), cluster.apply(FLEET.edge('r0'))]);
    await cluster.waitConverged('the first converge');
    const churn = new NodeChurn(churnOps, churnPool(12), 100).start();
    await sleep(1000);

    // No write in flight at the crash: its answer could be either (committed or not), and the churn must
    // know which nodes are there.
    await churn.stop();
    await cluster.servers.postgres.kill();
    const fromKill = answers.length;
    churn.start();
    // While it is down: writes are refused with a Kubernetes Status 503 …
    const nodeWrite = await write('create node while down', 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'during-outage' } });
    expect(nodeWrite.status).toBe(503);
    expect(nodeWrite.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503 });
    const dsWrite = await write('create daemonset while down', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`, daemonSet('during', 'r0'));
    expect(dsWrite.status).toBe(503);
    expect(dsWrite.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    // … every service says it is not ready …
    for (const instance of SERVICES) await waitFor(`${instance} not ready`, async () => (await cluster.readyz(instance)) === 503, 10_000, 200);
    // … and reads are answered from the gateway's folded log (as a watch cache does), at its last position.
    expect((await cluster.api('GET', '/api/v1/nodes')).status).toBe(200);
    await sleep(2000);
    const whileDown = answers.slice(fromKill);

    await cluster.servers.postgres.restart();
    await sleep(1000);
    const churned = await churn.stop();

    // Nothing but 2xx or 503 around the crash: no 500, no hang.
    expect(whileDown.filter((a) => a.status !== 503)).toEqual([]);
    expect(answers.filter((a) => !(a.status >= 200 && a.status < 300) && a.status !== 503)).toEqual([]);

    // The services reconnect by themselves: ready again, and a new write works.
    for (const instance of SERVICES) await waitFor(`${instance} ready again`, async () => (await cluster.readyz(instance)) === 200, 20_000, 200);
    const after = await cluster.api('POST', `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`, daemonSet('after-outage', 'r0'));
    expect(after.status).toBe(201);

    const report = await cluster.waitConverged('the converge after the PostgreSQL crash');
    expect(report.chainProblem).toBeNull();
    expect(report.chainChecked).toBe(report.events);
    expect(report.projectionDiffs).toEqual([]);
    expect(report.doublePlacements).toEqual([]);
    expect(report.model.cluster.daemonSets.has(`${NAMESPACE}/during`)).toBe(false);
    expect(report.model.cluster.daemonSets.has(`${NAMESPACE}/after-outage`)).toBe(true);
    expect(report.model.cluster.nodes.has('during-outage')).toBe(false);

    console.log(
      `fault 3: ${whileDown.length} API writes while PostgreSQL was down, all 503 Status; ${answers.length} writes in all ` +
        `(${churned.joins} joins/${churned.leaves} leaves accepted); ${report.events} events verified, projections equal their rebuild`,
    );
  }, 120_000);
});

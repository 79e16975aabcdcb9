// Fault 2: NATS killed for several seconds while nodes join and leave through the Kubernetes API. The log is
// the truth: the API keeps accepting writes (the gateway reaches the services over HTTP), the scheduler keeps
// placing from the log (resync), and once NATS is back the relay publishes what it missed and every consumer
// catches up.
import { isKubeStatus } from '@everynode/contracts';
import { waitFor } from '../support/stack';
import { churnPool, daemonSet, FaultCluster, FLEET, NAMESPACE, NodeChurn, SIMULATED } from './support/fault-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTAGE_MS = 5000;

interface Write {
  what: string;
  at: number;
  done: number;
  status: number;
}

describe('fault 2: NATS stopped and restarted during churn', () => {
  let cluster: FaultCluster;
  const writes: Write[] = [];

  beforeAll(async () => {
    cluster = await FaultCluster.start({ label: 'fault_nats', agentNodes: 40, gateway: true });
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  /** An API write, recorded; resolves with its body, rejects with its Status unless 2xx. */
  async function write(what: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const at = Date.now();
    const answer = await cluster.api(method, path, body).catch((error) => ({ status: 0, body: String(error) }));
    writes.push({ what, at, done: Date.now(), status: answer.status });
    if (answer.status < 200 || answer.status > 299) throw isKubeStatus(answer.body) ? answer.body : new Error(`${what}: ${answer.status}`);
    return answer.body;
  }

  it('keeps accepting API writes while NATS is down, and every service catches up afterwards', async () => {
    await Promise.all([cluster.apply(FLEET.everywhere('r0')), cluster.apply(FLEET.simulated('r0')), cluster.apply(FLEET.edge('r0'))]);
    await cluster.waitConverged('the first converge');

    const churn = new NodeChurn(
      {
        join: (name, labels) => write(`create node ${name}`, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } }),
        leave: (name) => write(`delete node ${name}`, 'DELETE', `/api/v1/nodes/${name}`),
      },
      churnPool(12),
      150,
    ).start();
    await sleep(1000);

    await cluster.servers.nats.kill();
    // The gateway learns of the drop from its socket a moment later; a write in flight then answers 503.
    const downFrom = Date.now() + 200;
    await sleep(300);
    // A DaemonSet created and another rolled out while NATS is away, through the API as well.
    await write('create daemonset outage', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`, daemonSet('outage', 'r0', SIMULATED));
    await write('replace daemonset simulated', 'PUT', `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets/simulated`, FLEET.simulated('r1'));
    await sleep(OUTAGE_MS - 300);
    const downUntil = Date.now();
    await cluster.servers.nats.restart();
    await sleep(1000);
    const churned = await churn.stop();

    const duringOutage = writes.filter((w) => w.at >= downFrom && w.done <= downUntil);
    expect(duringOutage.length).toBeGreaterThanOrEqual(10);
    // 409 AlreadyExists is an answer too: a join applied just before the drop whose answer was lost, repeated;
    // and so is 404 NotFound to a delete right after a delete of the same node that got no answer (applied, its
    // answer lost in the drop).
    const repeatedDelete = (w: Write) => {
      const before = writes.slice(0, writes.indexOf(w)).filter((o) => o.what.endsWith(` ${w.what.split(' ').pop()}`)).pop();
      return w.what.startsWith('delete node') && before?.what === w.what && (before.status < 200 || before.status > 299);
    };
    const answered = (w: Write) => (w.status >= 200 && w.status <= 299) || w.status === 409 || (w.status === 404 && repeatedDelete(w));
    expect(duringOutage.filter((w) => !answered(w))).toEqual([]);
    // They went to the services over HTTP.
    expect(await cluster.metric('node-registry', 'everynode_commands_served_http_total{pattern="node.join"}')).toBeGreaterThan(0);
    expect(await cluster.metric('daemonset-spec', 'everynode_commands_served_http_total{pattern="daemonset.apply"}')).toBe(2);

    // Every service catches up: the cluster converges (the agent runs the pods placed while NATS was away) …
    const report = await cluster.waitConverged('the converge after the NATS outage');
    expect(report.model.cluster.daemonSets.has(`${NAMESPACE}/outage`)).toBe(true);
    // … the relay published every event of the log, each once …
    const head = await cluster.store.headPosition();
    const held = await waitFor('JetStream to hold the whole log', async () => {
      const js = await cluster.jetStreamEvents();
      return js.distinct >= head && js;
    }, 20_000, 250);
    expect(held.events).toBe(held.distinct);
    expect(held.distinct).toBe(await cluster.store.headPosition());
    // … and the durable consumers delivered and acknowledged all of it.
    for (const durable of ['scheduler', 'node-agent-faults']) {
      await waitFor(`${durable} to catch up`, async () => {
        const lag = await cluster.consumerLag(durable);
        return lag.pending === 0 && lag.unacked === 0;
        // Generous: a delivery nak'ed during the outage comes back after its backoff (up to 30 s), and CI runs suites in parallel.
      }, 60_000, 250);
    }

    console.log(
      `fault 2: NATS down ${downUntil - downFrom + 200} ms; ${duringOutage.length} API writes during the outage, all accepted ` +
        `(${writes.length} writes in all, ${churned.joins} joins/${churned.leaves} leaves, ${churned.failures} refused around the drop); ` +
        `${report.events} events verified, JetStream holds all ${head}`,
    );
  }, 180_000);
});

// Simulated kubelets end to end: the node agent runs the pods the scheduler places (Pending -> Running and
// Ready with an IP of the node's pod CIDR), survives a crash without changing anything, and several agents
// share one cluster. Real services as separate processes, real Postgres and NATS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, isKubeStatus, podEventsOf } from '@everynode/contracts';
import type { DaemonSetStatus, NodeRecord, PodRecord, PodStatusChanged } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { meta, Stack, waitFor } from '../support/stack';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');
const AGENT_ENV = { POD_START_DELAY_MS: '500', HEARTBEAT_INTERVAL_MS: '1000' };
const AGENT_A = { ...AGENT_ENV, SIM_NODES: 'k8s-node01,k8s-node02', AGENT_ID: 'agent-a' };

const ipToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const offset = ipToInt(ip) - ipToInt(base);
  return offset >= 2 && offset < size - 1;
}

describe('node agent: simulated kubelets run the assigned pods', () => {
  let stack: Stack;
  let store: EventStore;

  beforeAll(async () => {
    stack = await Stack.create('nodeagent');
    store = new EventStore(stack.db.adminDataSource);
    await stack.startAll();
    await stack.start('node-agent', AGENT_A);
  }, 60_000);
  afterAll(() => stack?.teardown());

  const pods = async () => (await stack.send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace: 'tkr-system' })).items;
  const cidrOf = async (node: string) => (await stack.send<NodeRecord>(COMMANDS.nodeGet, { name: node })).podCIDR;
  const status = () => stack.send<DaemonSetStatus>(COMMANDS.daemonSetStatus, { namespace: 'tkr-system', name: 'liberator' });
  const statusEvents = async () =>
    (await store.readAll({ limit: 100_000 })).flatMap(podEventsOf).filter((e) => e.type === 'PodStatusChanged') as unknown as { data: PodStatusChanged; metadata: { actor: string } }[];
  const metric = async (instance: string, series: string) => {
    const text = await (await fetch(`http://127.0.0.1:${stack.ports.get(instance)}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  const allRunning = async (count: number) => {
    const list = await pods();
    return list.length === count && list.every((p) => p.phase === 'Running' && p.ready && p.podIP) && list;
  };

  async function apply(): Promise<void> {
    try {
      await stack.send(COMMANDS.daemonSetApply, { meta: meta('kubectl apply'), manifest: LIBERATOR });
    } catch (e) {
      // Namespaces must exist once the API enforces them, as in Kubernetes.
      if (!(isKubeStatus(e) && /namespaces "tkr-system" not found/.test(e.message))) throw e;
      await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
      await stack.send(COMMANDS.daemonSetApply, { meta: meta('kubectl apply'), manifest: LIBERATOR });
    }
  }

  it('takes both liberator pods from Pending to Running and Ready, with IPs from their node’s pod CIDR', async () => {
    await waitFor('agent nodes registered', async () => (await metric('node-agent', 'everynode_agent_nodes')) === 2);
    await apply();
    const running = await waitFor('both pods Running and Ready', () => allRunning(2), 20_000);
    expect(running.map((p) => p.node).sort()).toEqual(['k8s-node01', 'k8s-node02']);
    for (const p of running) {
      const cidr = await cidrOf(p.node);
      expect(inCidr(p.podIP!, cidr)).toBe(true);
      expect(p.podIP).not.toMatch(/\.(0|1|255)$/);
    }

    // Pending first (PodScheduled), then one change: Running and Ready, reported by the pod's node.
    const events = (await store.readAll({ limit: 100_000 })).flatMap(podEventsOf);
    for (const p of running) {
      const own = events.filter((e) => (e.data as { pod?: string }).pod === p.name).map((e) => e.type);
      expect(own).toEqual(['PodScheduled', 'PodStatusChanged']);
    }
    for (const e of await statusEvents()) {
      expect(e.data).toMatchObject({ phase: 'Running', ready: true, restarts: 0 });
      expect(['node:k8s-node01', 'node:k8s-node02', 'node-agent:agent-a']).toContain(e.metadata.actor);
    }

    await waitFor('DaemonSet status 2/2/2', async () => {
      const s = await status();
      return s.desiredNumberScheduled === 2 && s.numberReady === 2 && s.numberAvailable === 2;
    }, 10_000);
    expect(await metric('node-agent', 'everynode_agent_pods{phase="Running"}')).toBe(2);
  });

  it('a crashed agent restarts and adopts its pods: nothing changes, no status is recorded twice', async () => {
    const before = await pods();
    const head = await store.headPosition();
    await stack.kill('node-agent');
    await stack.start('node-agent', AGENT_A);
    await waitFor('adopted after a resync or two', async () =>
      (await metric('node-agent', 'everynode_agent_pods{phase="Running"}')) === 2 &&
      (await metric('node-agent', 'everynode_agent_pod_resyncs_total{result="ok"}')) >= 2,
    10_000);
    expect(await pods()).toEqual(before);
    expect(await store.headPosition()).toBe(head);
    // Adopted as they ran, not started again (a restart would report the same status, recording nothing).
    expect(await metric('node-agent', 'everynode_agent_pod_reports_sent_total')).toBe(0);
  });

  it('a second agent with its own nodes gets its pod running beside the first', async () => {
    await stack.start('node-agent', { ...AGENT_ENV, SIM_NODES: 'k8s-node03', AGENT_ID: 'agent-b' }, 'node-agent-b');
    const running = await waitFor('three pods Running and Ready', () => allRunning(3), 20_000);
    const third = running.find((p) => p.node === 'k8s-node03')!;
    expect(inCidr(third.podIP!, await cidrOf('k8s-node03'))).toBe(true);
    await waitFor('DaemonSet status 3/3/3', async () => {
      const s = await status();
      return s.desiredNumberScheduled === 3 && s.numberReady === 3 && s.numberAvailable === 3;
    }, 10_000);

    const changes = await statusEvents();
    expect(changes.filter((e) => e.data.node === 'k8s-node03').map((e) => e.metadata.actor)).toEqual(['node:k8s-node03']);
    // One status change per pod over the whole test: no duplicates from restarts or the second agent.
    expect(changes.map((e) => e.data.pod).sort()).toEqual(running.map((p) => p.name).sort());
    expect(await metric('node-agent', 'everynode_agent_pods{phase="Running"}')).toBe(2);
    expect(await metric('node-agent-b', 'everynode_agent_pods{phase="Running"}')).toBe(1);
  });

  it('stops simulating a node deleted from the cluster, and drops its pods', async () => {
    await stack.send(COMMANDS.nodeLeave, { meta: meta('DELETE /api/v1/nodes/k8s-node03'), name: 'k8s-node03' });
    await waitFor('k8s-node03 no longer simulated, its pod gone', async () =>
      (await metric('node-agent-b', 'everynode_agent_nodes')) === 0 &&
      (await metric('node-agent-b', 'everynode_agent_pods{phase="Running"}')) === 0,
    10_000);
    expect((await pods()).map((p) => p.node).sort()).toEqual(['k8s-node01', 'k8s-node02']);
  });
});

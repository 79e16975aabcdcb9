// The runtime's rules in isolation: lifecycle, IPs, and how events and lists converge. The end-to-end
// behaviour against the real services is in test/e2e/node-agent.e2e.spec.ts.
import { of } from 'rxjs';
import type { PodRecord, ReportPodStatusCommand } from '@everynode/contracts';
import type { JetStreamClient } from '@everynode/messaging';
import { MetricsRegistry } from '@everynode/platform';
import { loadAgentConfig } from '../config/agent-config';
import type { SimulatedKubelets } from '../kubelet/simulated-kubelets';
import type { ImageFailures } from './image-failures';
import { PodRuntime } from './pod-runtime';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const START = 20;

function setup(opts: { failing?: boolean; startMs?: number } = {}) {
  const commands: ReportPodStatusCommand[] = [];
  let unknown: string[] = [];
  const client = {
    send: (_pattern: string, cmd: ReportPodStatusCommand) => {
      commands.push(cmd);
      return of({ recorded: cmd.reports.length, unchanged: 0, unknown });
    },
  } as unknown as JetStreamClient;
  let nodeDeleted: (node: string) => void = () => {};
  const owned = new Set(['n1', 'n2']);
  const kubelets = {
    owns: (n: string) => owned.has(n),
    podCidr: (n: string) => ({ n1: '10.64.1.0/24', n2: '10.64.2.0/24' })[n as 'n1' | 'n2'],
    onNodeDeleted: (l: (node: string) => void) => (nodeDeleted = l),
  } as unknown as SimulatedKubelets;
  const images = { willFail: async () => opts.failing ?? false } as unknown as ImageFailures;
  const config = loadAgentConfig({ POD_START_DELAY_MS: String(opts.startMs ?? START), AGENT_ID: 'a1' });
  const metrics = new MetricsRegistry();
  const runtime = new PodRuntime(config, kubelets, images, client, metrics);
  const reports = () => commands.flatMap((c) => c.reports);
  return {
    runtime,
    commands,
    reports,
    metrics,
    setUnknown: (keys: string[]) => (unknown = keys),
    deleteNode: (n: string) => {
      owned.delete(n);
      nodeDeleted(n);
    },
  };
}

const assignment = (pod: string, node = 'n1', uid = `uid-${pod}`) => ({ namespace: 'ns', pod, uid, node, daemonSet: 'ds', templateHash: 'h' });
const record = (pod: string, over: Partial<PodRecord> = {}): PodRecord => ({
  namespace: 'ns',
  name: pod,
  uid: `uid-${pod}`,
  daemonSet: 'ns/ds',
  node: 'n1',
  templateHash: 'h',
  generation: 1,
  phase: 'Pending',
  ready: false,
  restarts: 0,
  createdAt: '',
  resourceVersion: '1',
  ...over,
});
const settle = () => sleep(START * 1.2 + 150); // start delay with jitter, then the report batch

describe('PodRuntime', () => {
  it('runs an assigned pod: Running and Ready after the start delay, with the next IP of its node, reported once', async () => {
    const { runtime, reports, commands, metrics } = setup();
    runtime.assign(assignment('a'), 10);
    runtime.assign(assignment('b'), 11);
    runtime.assign(assignment('c', 'n2'), 12);
    runtime.assign(assignment('x', 'elsewhere'), 13);
    runtime.assign(assignment('a'), 10); // redelivered
    expect(runtime.size).toBe(3);
    await settle();
    expect(reports().sort((p, q) => p.pod.localeCompare(q.pod))).toEqual([
      { namespace: 'ns', pod: 'a', node: 'n1', phase: 'Running', ready: true, podIP: expect.stringMatching(/^10\.64\.1\.[23]$/), restarts: 0 },
      { namespace: 'ns', pod: 'b', node: 'n1', phase: 'Running', ready: true, podIP: expect.stringMatching(/^10\.64\.1\.[23]$/), restarts: 0 },
      { namespace: 'ns', pod: 'c', node: 'n2', phase: 'Running', ready: true, podIP: '10.64.2.2', restarts: 0 },
    ]);
    expect(new Set(reports().map((r) => r.podIP)).size).toBe(3);
    expect(commands).toHaveLength(1);
    expect(commands[0].meta).toMatchObject({ actor: 'node-agent:a1', request: 'pod status' });
    expect(metrics.render()).toContain('everynode_agent_pods{phase="Running"} 3');
    expect(metrics.render()).toContain('everynode_agent_pod_reports_sent_total 3');
  });

  it('stops a removed pod before it reports anything, and gives its IP to the next pod', async () => {
    const { runtime, reports, commands } = setup();
    runtime.assign(assignment('a'), 10);
    await settle();
    runtime.remove('ns', 'a', 'n1', 11);
    runtime.assign(assignment('b'), 12);
    runtime.remove('ns', 'b', 'n1', 13);
    runtime.assign(assignment('c'), 14);
    await settle();
    expect(reports().map((r) => `${r.pod}@${r.podIP}`)).toEqual(['a@10.64.1.2', 'c@10.64.1.2']);
    expect(commands.every((c) => c.meta.actor === 'node:n1')).toBe(true);
    expect(runtime.size).toBe(1);
  });

  it('a restarted agent adopts what runs on its nodes as it was, and reports nothing that did not change', async () => {
    const { runtime, reports } = setup();
    runtime.resync(
      [
        record('a', { phase: 'Running', ready: true, podIP: '10.64.1.2', resourceVersion: '5' }),
        record('b', { resourceVersion: '6' }),
        record('other', { node: 'elsewhere' }),
      ],
      20,
    );
    expect(runtime.size).toBe(2);
    await settle();
    expect(reports()).toEqual([expect.objectContaining({ pod: 'b', phase: 'Running', podIP: '10.64.1.3' })]);
  });

  it('never lets a list undo a newer event, nor an event older than the list undo the list', async () => {
    const { runtime, reports } = setup();
    runtime.assign(assignment('new'), 30); // newer than the list below
    runtime.remove('ns', 'gone', 'n1', 31); // removed after the list was taken
    runtime.resync([record('gone', { resourceVersion: '9' })], 25);
    expect(runtime.size).toBe(1);
    runtime.assign(assignment('old'), 24); // a late redelivery: the list at 25 did not have it, so it is gone
    expect(runtime.size).toBe(1);
    runtime.resync([], 40); // the list has caught up: 'new' is gone
    expect(runtime.size).toBe(0);
    await settle();
    expect(reports()).toEqual([]);
  });

  it('a list of some nodes (a resync slice) judges only the pods, removals and events of those nodes', () => {
    const { runtime } = setup();
    runtime.assign(assignment('a1', 'n1'), 10);
    runtime.assign(assignment('a2', 'n2'), 11);
    runtime.remove('ns', 'b2', 'n2', 12); // removed after the n1 list below: its tombstone is kept
    runtime.resync([], 20, new Set(['n1'])); // n1 has no pods any more; n2 was not listed
    expect(runtime.size).toBe(1);
    runtime.assign(assignment('late1', 'n1'), 15); // older than n1's list, which did not have it: gone
    runtime.assign(assignment('late2', 'n2'), 15); // n2 was not listed at 20: applied
    expect(runtime.size).toBe(2);
    runtime.resync([record('b2', { node: 'n2', resourceVersion: '9' })], 10, new Set(['n2'])); // taken before a2, b2's removal and late2
    expect(runtime.size).toBe(2); // a2 (newer than the list) and late2 stay, b2 stays removed
    runtime.resync([record('a2', { node: 'n2', resourceVersion: '11' })], 30, new Set(['n2']));
    expect(runtime.size).toBe(1);
  });

  it('reports again what the log does not have, and drops pods the scheduler no longer knows', async () => {
    const { runtime, reports, setUnknown } = setup();
    runtime.assign(assignment('a'), 10);
    await settle();
    expect(reports()).toHaveLength(1);
    runtime.resync([record('a', { resourceVersion: '10' })], 11); // our report is not in the list
    await settle();
    expect(reports()).toHaveLength(2);
    setUnknown(['ns/a']);
    runtime.resync([record('a', { resourceVersion: '10', phase: 'Unknown', podIP: '10.64.1.2', ready: false })], 12);
    await settle();
    expect(reports()).toHaveLength(3);
    expect(runtime.size).toBe(0);
  });

  it('drops the pods of a node deleted from the cluster', async () => {
    const { runtime, deleteNode, reports } = setup();
    runtime.assign(assignment('a', 'n2'), 10);
    runtime.assign(assignment('b', 'n1'), 11);
    deleteNode('n2');
    runtime.assign(assignment('c', 'n2'), 12);
    expect(runtime.size).toBe(1);
    await settle();
    expect(reports().map((r) => r.pod)).toEqual(['b']);
  });

  it('runs a pod of a failing image, then fails it with reason Error', async () => {
    const { runtime, reports } = setup({ failing: true, startMs: 200 }); // longer than a report batch collects
    runtime.assign(assignment('a'), 10);
    await sleep(200 * 1.2 * 2 + 200);
    expect(reports().map(({ phase, ready, reason }) => ({ phase, ready, reason }))).toEqual([
      { phase: 'Running', ready: false, reason: undefined },
      { phase: 'Failed', ready: false, reason: 'Error' },
    ]);
  });
});

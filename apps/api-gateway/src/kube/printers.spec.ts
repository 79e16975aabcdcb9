import { daemonSetCells, namespaceCells, nodeCells, nodeRoles, podCells, podRowConditions, type PodObject } from './printers';

const now = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('daemonSetCells', () => {
  const liberator = {
    apiVersion: 'apps/v1' as const,
    kind: 'DaemonSet' as const,
    metadata: { name: 'liberator', namespace: 'tkr-system', creationTimestamp: ago(5 * MIN + 3000) },
    spec: {
      selector: { matchLabels: { name: 'liberator' } },
      template: {
        metadata: { labels: { name: 'liberator' } },
        spec: { nodeSelector: { 'kubernetes.io/os': 'linux', color: 'blue' }, containers: [{ name: 'liberator', image: 'maho/liberator:0.1' }, { name: 'side', image: 'busybox' }] },
      },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2, numberMisscheduled: 0 },
  };

  it('prints counters as integers, the node selector, age and the wide columns', () => {
    expect(daemonSetCells(liberator, now)).toEqual([
      'liberator', 3, 3, 2, 1, 2, 'color=blue,kubernetes.io/os=linux', '5m3s', 'liberator,side', 'maho/liberator:0.1,busybox', 'name=liberator',
    ]);
  });

  it('prints zeros and <none> for a DaemonSet without status or node selector', () => {
    const bare = { ...liberator, status: undefined, spec: { ...liberator.spec, template: { spec: { containers: [{ name: 'a', image: 'i' }] } } } };
    expect(daemonSetCells(bare, now)).toEqual(['liberator', 0, 0, 0, 0, 0, '<none>', '5m3s', 'a', 'i', 'name=liberator']);
  });
});

describe('podCells', () => {
  const pod = (spec: PodObject['spec'], status: PodObject['status'], metadata: PodObject['metadata'] = {}): PodObject => ({
    metadata: { name: 'liberator-2zjq6', creationTimestamp: ago(25_000), ...metadata },
    spec: { nodeName: 'k8s-node01', containers: [{ name: 'c' }], ...spec },
    status,
  });
  const running = { name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: ago(20_000) } } };

  it('prints a running pod', () => {
    expect(podCells(pod({}, { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [running] }), now))
      .toEqual(['liberator-2zjq6', '1/1', 'Running', '0', '25s', '10.244.1.5', 'k8s-node01', '<none>', '<none>']);
  });

  it('prints <none> for a pod not yet placed and <unknown> without a creation time', () => {
    expect(podCells({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } }, now))
      .toEqual(['p', '0/1', 'Pending', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });

  it('prints restarts with the age of the last one', () => {
    const restarted = { ...running, restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } } };
    expect(podCells(pod({}, { phase: 'Running', containerStatuses: [restarted] }), now)[3]).toBe('3 (5m ago)');
    expect(podCells(pod({}, { phase: 'Running', containerStatuses: [{ ...running, restartCount: 2 }] }), now)[3]).toBe('2');
  });

  it.each([
    ['a waiting reason', { phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ContainerCreating' } } }] }, '0/1', 'ContainerCreating'],
    ['a crash loop', { phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, '0/1', 'CrashLoopBackOff'],
    ['a terminated reason', { phase: 'Succeeded', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, '0/1', 'Completed'],
    ['an exit code', { phase: 'Failed', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 3 } } }] }, '0/1', 'ExitCode:3'],
    ['a signal', { phase: 'Failed', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 137, signal: 9 } } }] }, '0/1', 'Signal:9'],
    ['the pod reason', { phase: 'Failed', reason: 'Evicted' }, '0/1', 'Evicted'],
    ['scheduling gates', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }, '0/1', 'SchedulingGated'],
  ])('prints %s', (_, status, ready, reason) => {
    const cells = podCells(pod({}, status as PodObject['status']), now);
    expect([cells[1], cells[2]]).toEqual([ready, reason]);
  });

  it('prints Running (or NotReady) when one container completed and another still runs', () => {
    const statuses = [running, { name: 'done', state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    const spec = { containers: [{ name: 'c' }, { name: 'done' }] };
    expect(podCells(pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] }), now).slice(1, 3)).toEqual(['1/2', 'Running']);
    expect(podCells(pod(spec, { phase: 'Running', containerStatuses: statuses }), now).slice(1, 3)).toEqual(['1/2', 'NotReady']);
  });

  describe('init containers', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }] };
    it.each([
      ['waiting to start', [{ name: 'i1', state: { waiting: { reason: 'PodInitializing' } } }], 'Init:0/2'],
      ['the second running', [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }], 'Init:1/2'],
      ['failing to pull', [{ name: 'i1', state: { waiting: { reason: 'ImagePullBackOff' } } }], 'Init:ImagePullBackOff'],
      ['failed with a reason', [{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'Error' } } }], 'Init:Error'],
      ['failed with an exit code', [{ name: 'i1', state: { terminated: { exitCode: 2 } } }], 'Init:ExitCode:2'],
      ['killed by a signal', [{ name: 'i1', state: { terminated: { exitCode: 137, signal: 9 } } }], 'Init:Signal:9'],
    ])('prints an init container %s', (_, initContainerStatuses, reason) => {
      expect(podCells(pod(spec, { phase: 'Pending', initContainerStatuses }), now)[2]).toBe(reason);
    });

    it('counts a started sidecar (restartPolicy Always) as a container, and only its restarts once initialized', () => {
      const sidecarSpec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
      const sidecar = { name: 'proxy', ready: true, started: true, restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * DAY) } }, state: { running: {} } };
      const cells = podCells(pod(sidecarSpec, {
        phase: 'Running', initContainerStatuses: [sidecar], containerStatuses: [running], conditions: [{ type: 'Initialized', status: 'True' }],
      }), now);
      expect(cells.slice(1, 4)).toEqual(['2/2', 'Running', '1 (2d ago)']);
    });
  });

  it('prints Terminating for a pod being deleted, Unknown when its node was lost', () => {
    const deleting = { deletionTimestamp: ago(1000) };
    expect(podCells(pod({}, { phase: 'Running', containerStatuses: [running] }, deleting), now)[2]).toBe('Terminating');
    expect(podCells(pod({}, { phase: 'Running', reason: 'NodeLost' }, deleting), now)[2]).toBe('Unknown');
    expect(podCells(pod({}, { phase: 'Succeeded' }, deleting), now)[2]).toBe('Succeeded');
  });

  it('prints readiness gates as true/total', () => {
    const spec = { readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] };
    expect(podCells(pod(spec, { phase: 'Running', conditions: [{ type: 'a', status: 'True' }, { type: 'b', status: 'False' }] }), now)[8]).toBe('1/2');
  });

  it('marks completed pods with a row condition', () => {
    expect(podRowConditions(pod({}, { phase: 'Succeeded' }))).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(podRowConditions(pod({}, { phase: 'Failed' }))).toEqual([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    expect(podRowConditions(pod({}, { phase: 'Running' }))).toBeUndefined();
  });
});

describe('nodeCells', () => {
  const node = (extra: { unschedulable?: boolean; ready?: string | null; labels?: Record<string, string> } = {}) => ({
    metadata: { name: 'k8s-node01', creationTimestamp: ago(10 * DAY), labels: extra.labels ?? {} },
    spec: { unschedulable: extra.unschedulable },
    status: {
      conditions: extra.ready === null ? [] : [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: extra.ready ?? 'True' }],
      addresses: [{ type: 'Hostname', address: 'k8s-node01' }, { type: 'InternalIP', address: '192.168.1.11' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
  });

  it('prints a ready node with the wide columns', () => {
    expect(nodeCells(node(), now)).toEqual(['k8s-node01', 'Ready', '<none>', '10d', 'v1.32.0', '192.168.1.11', '<none>', 'Ubuntu 24.04 LTS', '6.8.0', 'containerd://1.7.0']);
  });

  it.each([
    [{ ready: 'False' }, 'NotReady'],
    [{ ready: 'Unknown' }, 'NotReady'],
    [{ ready: null }, 'Unknown'],
    [{ unschedulable: true }, 'Ready,SchedulingDisabled'],
    [{ ready: 'False', unschedulable: true }, 'NotReady,SchedulingDisabled'],
  ])('prints the status of %j as %s', (extra, status) => expect(nodeCells(node(extra), now)[1]).toBe(status));

  it('prints roles from node-role labels and kubernetes.io/role', () => {
    const labels = { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra', 'node-role.kubernetes.io/': 'x' };
    expect(nodeCells(node({ labels }), now)[2]).toBe('control-plane,infra,worker');
    expect(nodeRoles({ 'kubernetes.io/role': '' })).toEqual([]);
  });

  it('prints <unknown> for missing node info and <none> for missing addresses', () => {
    expect(nodeCells({ metadata: { name: 'bare' } }, now)).toEqual(['bare', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('namespaceCells', () => {
  it('prints name, phase and age', () => {
    expect(namespaceCells({ metadata: { name: 'tkr-system', creationTimestamp: ago(3 * 3600_000 + 5 * MIN) }, status: { phase: 'Active' } }, now))
      .toEqual(['tkr-system', 'Active', '3h5m']);
  });
});

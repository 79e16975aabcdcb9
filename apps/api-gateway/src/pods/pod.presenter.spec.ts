import type { NodeRecord } from '@everynode/contracts';
import { podCells } from '../kube';
import type { PodSnapshot } from '../read-model/cluster-view.service';
import { presentPod, qosClass } from './pod.presenter';

const template = {
  metadata: { labels: { name: 'liberator' } },
  spec: {
    serviceAccountName: 'high-availability',
    tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' as const, effect: 'NoSchedule' as const }],
    containers: [{ name: 'liberator', image: 'maho/liberator:0.1', resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } } }],
  },
};

const snapshot = (over: Partial<PodSnapshot['pod']> = {}, orphan = false): PodSnapshot => ({
  pod: {
    namespace: 'tkr-system', name: 'liberator-2zjq6', uid: 'pod-uid', daemonSet: orphan ? null : 'liberator', node: 'k8s-node01',
    templateHash: '5f9867d94', generation: 2, phase: 'Pending', ready: false, restarts: 0,
    createdAt: '2025-01-01T00:00:00.123Z', resourceVersion: '42', ...over,
  },
  owner: { name: 'liberator', uid: 'ds-uid' },
  template,
});

const node = { name: 'k8s-node01', addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } as NodeRecord;

describe('presentPod', () => {
  it('builds the daemon pod: template labels plus revision labels, controller owner, node, tolerations', () => {
    const pod = presentPod(snapshot(), node);
    expect(pod.metadata).toEqual({
      name: 'liberator-2zjq6',
      generateName: 'liberator-',
      namespace: 'tkr-system',
      uid: 'pod-uid',
      resourceVersion: '42',
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { name: 'liberator', 'controller-revision-hash': '5f9867d94', 'pod-template-generation': '2' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'liberator', uid: 'ds-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec.nodeName).toBe('k8s-node01');
    expect(pod.spec.serviceAccountName).toBe('high-availability');
    const tolerations = pod.spec.tolerations as { key: string; effect: string }[];
    expect(tolerations.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unschedulable:NoSchedule', // the template's own, not repeated
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
    ]);
    expect(pod.status).toMatchObject({ phase: 'Pending', hostIP: '10.0.0.1', qosClass: 'Burstable' });
    expect(pod.status.podIP).toBeUndefined();
    expect(podCells(pod, Date.parse('2025-01-01T00:00:25Z'))).toEqual(['liberator-2zjq6', '0/1', 'ContainerCreating', '0', '25s', '<none>', 'k8s-node01', '<none>', '<none>']);
  });

  it('shows a Ready running pod with its IP and restarts', () => {
    const pod = presentPod(snapshot({ phase: 'Running', ready: true, podIP: '10.244.1.5', restarts: 2 }), node);
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], startTime: '2025-01-01T00:00:00Z' });
    const conditions = pod.status.conditions as { type: string; status: string }[];
    expect(conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(conditions.find((c) => c.type === 'ContainersReady')?.status).toBe('True');
    expect(pod.status.containerStatuses).toEqual([
      expect.objectContaining({ name: 'liberator', ready: true, restartCount: 2, started: true, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }),
    ]);
    expect(podCells(pod, Date.parse('2025-01-01T00:05:03Z')).slice(0, 6)).toEqual(['liberator-2zjq6', '1/1', 'Running', '2', '5m3s', '10.244.1.5']);
  });

  it('drops the owner of an orphaned pod and keeps its labels', () => {
    const pod = presentPod(snapshot({}, true), undefined);
    expect(pod.metadata.ownerReferences).toBeUndefined();
    expect(pod.metadata.labels.name).toBe('liberator');
    expect(pod.status.hostIP).toBeUndefined();
  });
});

describe('qosClass', () => {
  it('follows GetPodQOS for cpu and memory', () => {
    expect(qosClass([{ name: 'a' }])).toBe('BestEffort');
    expect(qosClass([{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }])).toBe('Guaranteed');
    expect(qosClass([{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }])).toBe('Guaranteed');
    expect(qosClass([{ name: 'a', resources: { requests: { cpu: '100m' } } }])).toBe('Burstable');
  });
});

import { computeStatus } from '@everynode/reconciler';
import { cluster, daemonSet, node, pod, T0 } from './fixtures';

describe('status counters', () => {
  const ds = daemonSet('d', { hash: 'v2', generation: 4, minReadySeconds: 60, pod: { nodeSelector: { role: 'worker' } } });
  const worker = { labels: { role: 'worker' } };
  const old = { templateHash: 'v1' };
  const state = cluster({
    nodes: [
      node('n1', worker), // new pod, available
      node('n2', worker), // old pod, Ready for only 10 s
      node('n3', worker), // no pod (an orphan does not count)
      node('n4'), // does not match, has a pod
      node('n5', { ...worker, ready: 'False' }), // NotReady: not desired, its kept pod is misscheduled
      node('n6', worker), // new pod, Pending
      node('n7', worker), // two pods: the Ready new one counts
    ],
    daemonSets: [ds],
    pods: [
      pod(ds, 'n1'),
      pod(ds, 'n2', { ...old, readySince: T0 - 10_000 }),
      pod(null, 'n3'),
      pod(ds, 'n4'),
      pod(ds, 'n5'),
      pod(ds, 'n6', { phase: 'Pending', ready: false, readySince: null }),
      pod(ds, 'n7', { ...old, ready: false, readySince: null }),
      pod(ds, 'n7'),
      pod(ds, 'departed'),
    ],
  });

  it.each([
    ['desiredNumberScheduled', 5],
    ['currentNumberScheduled', 4],
    ['numberMisscheduled', 2],
    ['numberReady', 3],
    ['updatedNumberScheduled', 3],
    ['numberAvailable', 2],
    ['numberUnavailable', 3],
    ['observedGeneration', 4],
  ] as const)('%s = %d', (field, expected) => {
    expect(computeStatus(state, 'default/d', T0)[field]).toBe(expected);
  });

  it('counts a pod available once it has been Ready for minReadySeconds', () => {
    expect(computeStatus(state, 'default/d', T0 + 50_000).numberAvailable).toBe(3);
  });

  it('a Failed pod is scheduled but not Ready', () => {
    const s = cluster({ nodes: [node('n1')], daemonSets: [daemonSet('f')], pods: [pod(daemonSet('f'), 'n1', { phase: 'Failed', ready: true })] });
    expect(computeStatus(s, 'default/f', T0)).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 0, numberAvailable: 0 });
  });

  it('throws for an unknown DaemonSet', () => {
    expect(() => computeStatus(state, 'default/nope', T0)).toThrow('unknown DaemonSet default/nope');
  });
});

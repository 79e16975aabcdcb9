import { emptyCluster } from '@everynode/reconciler';
import type { ClusterState, DaemonSetView, NodeView, PodView } from '@everynode/reconciler';
import { checkInvariants } from '@everynode/audit';

const node = (name: string, labels: Record<string, string> = {}): NodeView => ({ name, labels, taints: [], unschedulable: false, ready: 'True' });
const ds = (name: string, nodeSelector?: Record<string, string>): DaemonSetView => ({
  key: `default/${name}`,
  namespace: 'default',
  name,
  uid: `${name}-uid`,
  generation: 1,
  templateHash: 'h1',
  revisions: new Map([['h1', 1]]),
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeSelector ? { nodeSelector } : {}) } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
});
const pod = (name: string, daemonSet: string | null, nodeName: string, hash = 'h1'): PodView =>
  ({ key: `default/${name}`, namespace: 'default', name, daemonSet, node: nodeName, templateHash: hash, generation: 1, phase: 'Running', ready: true, readySince: 0, scheduledAt: 1, uid: name, restarts: 0, podIP: undefined, createdAt: '', changedAt: 1 }) as PodView;

function cluster(nodes: NodeView[], dss: DaemonSetView[], pods: PodView[]): ClusterState {
  const s = emptyCluster();
  nodes.forEach((n) => s.nodes.set(n.name, n));
  dss.forEach((d) => s.daemonSets.set(d.key, d));
  pods.forEach((p) => s.pods.set(p.key, p));
  return s;
}

describe('checkInvariants', () => {
  it('holds for a converged cluster, orphans and nodeSelector included', () => {
    const s = cluster([node('a', { color: 'blue' }), node('b')], [ds('x'), ds('blue', { color: 'blue' })], [
      pod('x-1', 'default/x', 'a'),
      pod('x-2', 'default/x', 'b'),
      pod('blue-1', 'default/blue', 'a'),
      pod('left-behind', null, 'b'),
    ]);
    expect(checkInvariants(s)).toEqual([]);
  });

  it('reports two pods on a node, a missing pod, a pod on a departed node and one of a deleted DaemonSet', () => {
    const s = cluster([node('a'), node('b')], [ds('x')], [
      pod('x-1', 'default/x', 'a'),
      pod('x-2', 'default/x', 'a'),
      pod('x-3', 'default/x', 'gone'),
      pod('y-1', 'default/y', 'b'),
    ]);
    expect(checkInvariants(s).map((v) => v.rule).sort()).toEqual([
      'no-pod-of-deleted-daemonset',
      'no-pod-on-departed-node',
      'one-pod-per-node',
      'pod-on-every-eligible-node',
    ]);
  });
});

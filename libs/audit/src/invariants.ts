// The control plane's promises, checked over a folded cluster (DESIGN.md "The reconciler" invariants).
import { nodeShouldRun } from '@everynode/reconciler';
import type { ClusterState } from '@everynode/reconciler';

export interface Violation {
  rule: 'one-pod-per-node' | 'pod-on-every-eligible-node' | 'no-pod-on-departed-node' | 'no-pod-of-deleted-daemonset';
  detail: string;
}

/**
 * Checks a settled cluster. A rollout with surge may briefly hold two pods of different templates on one node,
 * so "one pod" counts pods of one template; a cluster still converging reports its pending work as violations.
 */
export function checkInvariants(state: ClusterState): Violation[] {
  const violations: Violation[] = [];
  const live = new Map<string, string[]>();
  for (const pod of state.pods.values()) {
    if (!state.nodes.has(pod.node)) violations.push({ rule: 'no-pod-on-departed-node', detail: `${pod.key} is on ${pod.node}, which left the cluster` });
    if (pod.daemonSet === null) continue; // orphaned on purpose (cascade=orphan)
    if (!state.daemonSets.has(pod.daemonSet)) {
      violations.push({ rule: 'no-pod-of-deleted-daemonset', detail: `${pod.key} belongs to ${pod.daemonSet}, which was deleted` });
      continue;
    }
    const slot = `${pod.daemonSet}@${pod.node}#${pod.templateHash}`;
    live.set(slot, [...(live.get(slot) ?? []), pod.key]);
  }
  for (const [slot, pods] of live) {
    if (pods.length > 1) violations.push({ rule: 'one-pod-per-node', detail: `${slot.split('#')[0]} has ${pods.length} pods: ${pods.join(', ')}` });
  }
  const covered = new Set([...live.keys()].map((s) => s.split('#')[0]));
  for (const ds of state.daemonSets.values()) {
    for (const node of state.nodes.values()) {
      if (nodeShouldRun(node, ds).shouldRun && !covered.has(`${ds.key}@${node.name}`)) {
        violations.push({ rule: 'pod-on-every-eligible-node', detail: `${ds.key} has no pod on eligible node ${node.name}` });
      }
    }
  }
  return violations;
}

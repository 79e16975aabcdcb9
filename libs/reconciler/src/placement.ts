// Should node N run a pod of DaemonSet D? (NodeShouldRunDaemonPod of the upstream controller)
import type { Taint } from '@everynode/contracts';
import type { DaemonSetView, NodeView } from './state';
import { matchesNodeSelector, matchesRequiredNodeAffinity } from './selectors';
import { DAEMON_TOLERATIONS, tolerates } from './tolerations';

export { labelSelectorMatches, matchesNodeSelector, matchesRequiredNodeAffinity } from './selectors';
export { DAEMON_TOLERATIONS, tolerates, toleratesTaint } from './tolerations';

export interface Placement {
  /** Create a pod here if there is none. */
  shouldRun: boolean;
  /** Keep a pod that runs here. */
  shouldContinueRunning: boolean;
}

const NO: Placement = Object.freeze({ shouldRun: false, shouldContinueRunning: false });
const KEEP_ONLY: Placement = Object.freeze({ shouldRun: false, shouldContinueRunning: true });
const YES: Placement = Object.freeze({ shouldRun: true, shouldContinueRunning: true });

const conditionTaints = (key: string): readonly Taint[] =>
  Object.freeze([Object.freeze({ key, effect: 'NoSchedule' as const }), Object.freeze({ key, effect: 'NoExecute' as const })]);
const NOT_READY = conditionTaints('node.kubernetes.io/not-ready');
const UNREACHABLE = conditionTaints('node.kubernetes.io/unreachable');

/**
 * The taints upstream's node lifecycle controller derives from the Ready condition (TaintNodesByCondition
 * and taint-based eviction). Daemon pods tolerate the NoExecute ones, not the NoSchedule ones: a NotReady
 * node keeps its daemon pods but gets no new ones, and leaves DESIRED like upstream. `unschedulable`
 * becomes the unschedulable:NoSchedule taint upstream, which every daemon pod tolerates: a cordon never
 * matters here.
 */
function readinessTaints(ready: NodeView['ready']): readonly Taint[] {
  return ready === 'True' ? [] : ready === 'False' ? NOT_READY : UNREACHABLE;
}

export function nodeShouldRun(node: NodeView, ds: DaemonSetView): Placement {
  const pod = ds.spec.template.spec;
  if (pod.nodeName && pod.nodeName !== node.name) return NO;
  if (!matchesNodeSelector(pod.nodeSelector, node.labels)) return NO;
  if (!matchesRequiredNodeAffinity(pod.affinity, node)) return NO;
  const own = pod.tolerations ?? [];
  const daemon = DAEMON_TOLERATIONS(pod.hostNetwork === true);
  let noSchedule = false;
  for (const taints of [node.taints, readinessTaints(node.ready)]) {
    for (const taint of taints) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (tolerates(own, taint) || tolerates(daemon, taint)) continue;
      if (taint.effect === 'NoExecute') return NO;
      noSchedule = true;
    }
  }
  return noSchedule ? KEEP_ONLY : YES;
}

// DaemonSet status, counted like upstream's updateDaemonSetStatus (the columns kubectl shows).
import type { DaemonSetStatus } from '@everynode/contracts';
import { isAvailable, isReady, keepOrder } from './availability';
import { nodeShouldRun } from './placement';
import { podsOfDaemonSet } from './pod-index';
import { ClusterState, owns, PodView } from './state';

/** Throws for an unknown DaemonSet key. Pods on nodes that left count nowhere. */
export function computeStatus(state: ClusterState, dsKey: string, now: number): DaemonSetStatus {
  const ds = state.daemonSets.get(dsKey);
  if (!ds) throw new Error(`unknown DaemonSet ${dsKey}`);
  const byNode = new Map<string, PodView[]>();
  for (const pod of podsOfDaemonSet(state, dsKey)) {
    if (!owns(ds, pod)) continue;
    const list = byNode.get(pod.node);
    if (list) list.push(pod);
    else byNode.set(pod.node, [pod]);
  }
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  for (const node of state.nodes.values()) {
    const pods = byNode.get(node.name);
    if (!nodeShouldRun(node, ds).shouldRun) {
      if (pods) misscheduled++;
      continue;
    }
    desired++;
    if (!pods) continue;
    current++;
    const pod = pods.length === 1 ? pods[0] : [...pods].sort(keepOrder)[0];
    if (isReady(pod)) ready++;
    if (isAvailable(pod, minReadySeconds, now)) available++;
    if (pod.templateHash === ds.templateHash) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
    observedGeneration: ds.generation,
  };
}

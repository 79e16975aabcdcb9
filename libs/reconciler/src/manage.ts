// One (DaemonSet, node) slot, like upstream's podsShouldBeOnNode: create, prune, drop failed pods.
import { isAvailable, isReady, isTerminal, keepOrder } from './availability';
import type { Pass } from './pass';
import type { Placement } from './placement';
import type { DaemonSetView, PodView } from './state';
import { allowsSurge } from './update-strategy';

/** Returns true when it decided something for this slot (the rolling update then leaves it alone). */
export function manageSlot(pass: Pass, ds: DaemonSetView, node: string, placement: Placement, pods: PodView[]): boolean {
  const before = pass.actions.length;
  if (!placement.shouldContinueRunning) {
    for (const pod of pods) pass.delete(pod, 'NoLongerMatches');
    return pass.actions.length > before;
  }
  // A terminal pod is removed now; its replacement comes in a later pass, after the failure is
  // recorded, so the backoff applies. Succeeded counts as a failure: daemon pods restart Always.
  // Copied only when a pod is terminal (rare): the list is the caller's, and a resync looks at 150,000 slots.
  const running = pods.some(isTerminal)
    ? pods.filter((pod) => {
        if (isTerminal(pod)) pass.delete(pod, 'Failed');
        return !isTerminal(pod);
      })
    : pods;
  if (pods.length === 0 && placement.shouldRun) pass.place(ds, node);
  else if (running.length > 1) {
    if (allowsSurge(ds.spec)) pruneSurged(pass, ds, running);
    else for (const extra of [...running].sort(keepOrder).slice(1)) pass.delete(extra, 'Duplicate');
  }
  pass.watch(running, ds.spec.minReadySeconds ?? 0);
  return pass.actions.length > before;
}

/**
 * With surge a node may hold one old and one new pod: keep the first of each; the old one goes
 * as soon as it is not Ready or the new one is available.
 */
function pruneSurged(pass: Pass, ds: DaemonSetView, running: PodView[]): void {
  let newPod: PodView | undefined;
  let oldPod: PodView | undefined;
  for (const pod of [...running].sort(keepOrder)) {
    if (pod.templateHash === ds.templateHash) {
      if (!newPod) {
        newPod = pod;
        continue;
      }
    } else if (!oldPod) {
      oldPod = pod;
      continue;
    }
    pass.delete(pod, 'Duplicate');
  }
  if (newPod && oldPod && (!isReady(oldPod) || isAvailable(newPod, ds.spec.minReadySeconds ?? 0, pass.now))) {
    pass.delete(oldPod, 'Updated');
  }
}

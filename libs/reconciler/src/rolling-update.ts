// RollingUpdate (upstream's rollingUpdate): which old pods go and where new ones surge, within budget.
// Slots the manage step acted on in this pass are left alone and counted as unavailable (or surging):
// upstream waits for those writes before it rolls at all; counting them keeps the budget safe.
import { isAvailable } from './availability';
import type { Pass } from './pass';
import type { DaemonSetView, PodView } from './state';
import { rolloutBudget } from './update-strategy';

export interface DaemonSetPods {
  /** node → this DaemonSet's live pods there (present nodes only) */
  byNode: Map<string, PodView[]>;
  /** nodes where shouldRun */
  desired: Set<string>;
  /** nodes the manage step decided something for in this pass */
  touched: Set<string>;
}

export function rollingUpdate(pass: Pass, ds: DaemonSetView, pods: DaemonSetPods): void {
  const budget = rolloutBudget(ds.spec, pods.desired.size);
  const nodes = [...new Set([...pods.byNode.keys(), ...pods.desired])].sort();
  const available = (pod: PodView) => isAvailable(pod, ds.spec.minReadySeconds ?? 0, pass.now);
  if (budget.maxSurge === 0) withoutSurge(pass, ds, pods, nodes, budget.maxUnavailable, available);
  else withSurge(pass, ds, pods, nodes, budget.maxSurge, available);
}

/** Delete old available pods while fewer than maxUnavailable nodes are unavailable; old unavailable ones go at once. */
function withoutSurge(
  pass: Pass,
  ds: DaemonSetView,
  { byNode, touched }: DaemonSetPods,
  nodes: string[],
  maxUnavailable: number,
  available: (pod: PodView) => boolean,
): void {
  let unavailable = 0;
  const replace: PodView[] = [];
  const candidates: PodView[] = [];
  for (const node of nodes) {
    const split = touched.has(node) ? undefined : splitByTemplate(byNode.get(node) ?? [], ds.templateHash);
    if (!split || !split.newPod === !split.oldPod) {
      unavailable++; // being fixed by the manage step, empty, or mid-replacement
      continue;
    }
    if (split.newPod) {
      if (!available(split.newPod)) unavailable++;
    } else if (!available(split.oldPod!)) {
      replace.push(split.oldPod!);
      unavailable++;
    } else if (unavailable < maxUnavailable) candidates.push(split.oldPod!);
  }
  const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
  for (const pod of [...replace, ...candidates.slice(0, room)]) pass.delete(pod, 'Updated');
}

/**
 * Start a new pod beside an old one on at most maxSurge nodes (at once where the old one is
 * unavailable); the manage step deletes the old one when the new is available. An old pod on a node
 * that should no longer run one goes only while enough pods elsewhere are available.
 */
function withSurge(
  pass: Pass,
  ds: DaemonSetView,
  { byNode, desired, touched }: DaemonSetPods,
  nodes: string[],
  maxSurge: number,
  available: (pod: PodView) => boolean,
): void {
  let surging = 0;
  let availableNodes = 0;
  const deletes: PodView[] = [];
  const sunset: PodView[] = [];
  const replacements: string[] = [];
  const candidates: string[] = [];
  for (const node of nodes) {
    const pods = byNode.get(node) ?? [];
    if (pods.length === 0) continue; // the manage step creates there
    const split = touched.has(node) ? undefined : splitByTemplate(pods, ds.templateHash);
    if (!split) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = split;
    if (oldPod ? available(oldPod) : newPod && available(newPod)) availableNodes++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (desired.has(node)) replacements.push(node);
        else deletes.push(oldPod);
      } else if (!desired.has(node)) sunset.push(oldPod);
      else if (surging < maxSurge) candidates.push(node);
    } else if (!available(newPod)) surging++;
    else deletes.push(oldPod);
  }
  const deletable = Math.min(availableNodes - desired.size, sunset.length);
  if (deletable > 0) deletes.push(...sunset.slice(0, deletable));
  for (const pod of deletes) pass.delete(pod, 'Updated');
  const room = Math.max(0, Math.min(maxSurge - surging, candidates.length));
  for (const node of [...replacements, ...candidates.slice(0, room)]) pass.place(ds, node, true);
}

/** At most one pod of each template kind on the node, else undefined (the manage step prunes). */
function splitByTemplate(pods: PodView[], templateHash: string): { newPod?: PodView; oldPod?: PodView } | undefined {
  let newPod: PodView | undefined;
  let oldPod: PodView | undefined;
  for (const pod of pods) {
    if (pod.templateHash === templateHash) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

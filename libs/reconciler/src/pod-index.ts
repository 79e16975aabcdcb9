// Pods by node and by DaemonSet, so a pass costs what it looks at rather than the whole cluster.
// Derived from state.pods and cached per pods map; `evolve` keeps it current. A write to state.pods
// that bypasses evolve is noticed only by the size check (adds and removes): fold through evolve.
import type { ClusterState, PodView } from './state';

export interface PodIndex {
  /** node name → pod keys (orphans included) */
  byNode: Map<string, Set<string>>;
  /** DaemonSet key → pod keys (orphans excluded) */
  byDaemonSet: Map<string, Set<string>>;
  /**
   * DaemonSet key → node → pod key(s): one slot's pods without scanning the node's other ~30. A slot nearly
   * always holds one pod, kept as the key itself; a Set only while it holds more (a surge, a duplicate).
   */
  bySlot: Map<string, Map<string, SlotKeys>>;
  /** DaemonSet key → template hash → pods: "is a rollout in progress" without a scan */
  hashes: Map<string, Map<string, number>>;
  size: number;
}

type SlotKeys = string | Set<string>;

const cache = new WeakMap<ClusterState['pods'], PodIndex>();

export function podIndex(state: ClusterState): PodIndex {
  let index = cache.get(state.pods);
  if (!index || index.size !== state.pods.size) {
    index = { byNode: new Map(), byDaemonSet: new Map(), bySlot: new Map(), hashes: new Map(), size: state.pods.size };
    for (const pod of state.pods.values()) add(index, pod);
    cache.set(state.pods, index);
  }
  return index;
}

/** Call after state.pods.set(pod.key, pod) for a new key. */
export function indexAdded(state: ClusterState, pod: PodView): void {
  const index = cache.get(state.pods);
  if (!index) return; // built lazily on first read
  add(index, pod);
  index.size = state.pods.size;
}

/** Call after state.pods.delete(pod.key). */
export function indexRemoved(state: ClusterState, pod: PodView): void {
  const index = cache.get(state.pods);
  if (!index) return;
  remove(index, pod);
  index.size = state.pods.size;
}

/** Call after a pod's owner changed (orphaned) under the same key. */
export function indexReplaced(state: ClusterState, before: PodView, after: PodView): void {
  const index = cache.get(state.pods);
  if (!index) return;
  remove(index, before);
  add(index, after);
}

/** Pods of a DaemonSet key (also pods of an earlier DaemonSet of that name not yet removed). */
export function podsOfDaemonSet(state: ClusterState, dsKey: string): PodView[] {
  return views(state, podIndex(state).byDaemonSet.get(dsKey));
}

export function podsOnNode(state: ClusterState, node: string): PodView[] {
  return views(state, podIndex(state).byNode.get(node));
}

/** Pods of a DaemonSet key on one node (orphans excluded). */
export function podsInSlot(state: ClusterState, dsKey: string, node: string): PodView[] {
  const keys = podIndex(state).bySlot.get(dsKey)?.get(node);
  return views(state, typeof keys === 'string' ? [keys] : keys);
}

/** True when some pod of this DaemonSet key runs a template other than `templateHash`. */
export function hasOtherTemplates(state: ClusterState, dsKey: string, templateHash: string): boolean {
  for (const [hash, n] of podIndex(state).hashes.get(dsKey) ?? []) if (hash !== templateHash && n > 0) return true;
  return false;
}

function views(state: ClusterState, keys: Iterable<string> | undefined): PodView[] {
  const out: PodView[] = [];
  for (const key of keys ?? []) {
    const pod = state.pods.get(key);
    if (pod) out.push(pod);
  }
  return out;
}

function add(index: PodIndex, pod: PodView): void {
  setOf(index.byNode, pod.node).add(pod.key);
  if (pod.daemonSet === null) return;
  setOf(index.byDaemonSet, pod.daemonSet).add(pod.key);
  let slots = index.bySlot.get(pod.daemonSet);
  if (!slots) index.bySlot.set(pod.daemonSet, (slots = new Map()));
  const held = slots.get(pod.node);
  if (held === undefined) slots.set(pod.node, pod.key);
  else if (typeof held === 'string') slots.set(pod.node, held === pod.key ? held : new Set([held, pod.key]));
  else held.add(pod.key);
  let hashes = index.hashes.get(pod.daemonSet);
  if (!hashes) index.hashes.set(pod.daemonSet, (hashes = new Map()));
  hashes.set(pod.templateHash, (hashes.get(pod.templateHash) ?? 0) + 1);
}

function remove(index: PodIndex, pod: PodView): void {
  deleteFrom(index.byNode, pod.node, pod.key);
  if (pod.daemonSet === null) return;
  deleteFrom(index.byDaemonSet, pod.daemonSet, pod.key);
  const slots = index.bySlot.get(pod.daemonSet);
  if (slots) {
    const held = slots.get(pod.node);
    if (held === pod.key) slots.delete(pod.node);
    else if (held instanceof Set) {
      held.delete(pod.key);
      if (held.size === 1) slots.set(pod.node, held.values().next().value as string);
    }
    if (slots.size === 0) index.bySlot.delete(pod.daemonSet);
  }
  const hashes = index.hashes.get(pod.daemonSet);
  const n = (hashes?.get(pod.templateHash) ?? 0) - 1;
  if (n > 0) hashes!.set(pod.templateHash, n);
  else {
    hashes?.delete(pod.templateHash);
    if (hashes?.size === 0) index.hashes.delete(pod.daemonSet);
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function deleteFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

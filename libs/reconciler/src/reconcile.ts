// The pure decision: for the DaemonSets and nodes that changed, which pods to create and delete.
// Level-triggered: the scope only says where to look; every decision reads the whole state.
// One call is one step (a rolling update needs the deletes applied before the creates follow):
// apply the actions, fold their events, and call again until no action is left.
import { manageSlot } from './manage';
import { Action, Pass } from './pass';
import { nodeShouldRun } from './placement';
import { hasOtherTemplates, podIndex, podsInSlot, podsOfDaemonSet, podsOnNode } from './pod-index';
import { rollingUpdate } from './rolling-update';
import { ClusterState, DaemonSetView, owns, PodView } from './state';
import { isRollingUpdate } from './update-strategy';

export type { Action, CreateReason } from './pass';

export interface ReconcileScope {
  /** Everything: the start-up and periodic resync. */
  all?: boolean;
  /** DaemonSet keys: that DaemonSet × every node. */
  daemonSets?: Iterable<string>;
  /** Node names: every DaemonSet × that node. */
  nodes?: Iterable<string>;
  /**
   * slotKey(DaemonSet key, node name): that one (DaemonSet, node) slot — what a pod's status change can
   * affect, unless its DaemonSet is mid-rollout (its budget spans every node: then the DaemonSet whole).
   * A status report then costs O(1), not O(nodes): at 5,000 nodes × 30 DaemonSets the difference between
   * keeping up with the agents' reports and falling behind them.
   */
  slots?: Iterable<string>;
}

export interface ReconcileResult {
  /** Sorted: deletes first, then by DaemonSet, node and pod. */
  actions: Action[];
  /** Call again after this long: a create held back by failure backoff, or a pod about to become available. */
  requeueAfterMs?: number;
}

/**
 * What `all` covers, as DaemonSets and nodes: every DaemonSet (and those only pods still name), and the
 * departed nodes that still hold pods (orphans among them). A caller can take it in parts (the scheduler's
 * sliced resync); together the parts decide what one `all` pass does.
 */
export function everything(state: ClusterState): { daemonSets: string[]; nodes: string[] } {
  const index = podIndex(state);
  return {
    daemonSets: [...new Set([...state.daemonSets.keys(), ...index.byDaemonSet.keys()])],
    nodes: [...index.byNode.keys()].filter((n) => !state.nodes.has(n)),
  };
}

export function reconcile(state: ClusterState, scope: ReconcileScope, now: number): ReconcileResult {
  const pass = new Pass(state, now);
  const all = scope.all ? everything(state) : undefined;
  const whole = new Set<string>(all ? all.daemonSets : (scope.daemonSets ?? []));
  // With `all` every DaemonSet is whole; only orphans on departed nodes remain for the node sweep.
  const nodes = new Set<string>(all ? all.nodes : (scope.nodes ?? []));
  let replacing: Set<string> | undefined;
  const rollingOut = (ds: DaemonSetView) =>
    isRollingUpdate(ds.spec) && ((replacing ??= awaitingReplacement(state)).has(ds.key) || hasOtherTemplates(state, ds.key, ds.templateHash));
  if (nodes.size > 0) {
    // A node change moves a rollout's budget (a node left, a pod freed): roll those DaemonSets whole.
    for (const ds of state.daemonSets.values()) if (rollingOut(ds)) whole.add(ds.key);
  }
  const slots: [DaemonSetView, string][] = [];
  for (const slot of new Set(scope.all ? [] : (scope.slots ?? []))) {
    const i = slot.lastIndexOf('|');
    const key = slot.slice(0, i);
    const ds = state.daemonSets.get(key);
    if (!ds || rollingOut(ds)) whole.add(key); // gone: remove all its pods; rolling: the budget is DaemonSet-wide
    else slots.push([ds, slot.slice(i + 1)]);
  }
  for (const key of whole) syncDaemonSet(pass, key);
  for (const name of nodes) syncNode(pass, name, whole);
  for (const [ds, node] of slots) if (!whole.has(ds.key) && !nodes.has(node)) syncSlot(pass, ds, node);
  return pass.result();
}

/**
 * DaemonSets with a slot emptied by the rolling update and not filled yet: after the last old pod
 * is deleted no old template is left, but the create for its node is still to come.
 */
function awaitingReplacement(state: ClusterState): Set<string> {
  const keys = new Set<string>();
  for (const [slot, reason] of state.vacated) if (reason === 'Updated') keys.add(slot.slice(0, slot.lastIndexOf('|')));
  return keys;
}

/** That DaemonSet × every node, then its rolling update. */
function syncDaemonSet(pass: Pass, key: string): void {
  const { state } = pass;
  const ds = state.daemonSets.get(key);
  const byNode = new Map<string, PodView[]>();
  for (const pod of podsOfDaemonSet(state, key)) {
    if (!state.nodes.has(pod.node)) pass.delete(pod, 'NodeLeft');
    else if (!ds || !owns(ds, pod)) pass.delete(pod, 'DaemonSetDeleted');
    else {
      const list = byNode.get(pod.node);
      if (list) list.push(pod);
      else byNode.set(pod.node, [pod]);
    }
  }
  if (!ds) return;
  // The rolling update only ever acts on pods of another template: with none it has nothing to do, and the
  // sets it needs (and its sort of every node) are not built — the periodic resync's common case.
  const rollout = isRollingUpdate(ds.spec) && hasOtherTemplates(state, key, ds.templateHash) ? { byNode, desired: new Set<string>(), touched: new Set<string>() } : null;
  for (const node of state.nodes.values()) {
    const placement = nodeShouldRun(node, ds);
    const acted = manageSlot(pass, ds, node.name, placement, byNode.get(node.name) ?? NONE);
    if (!rollout) continue;
    if (placement.shouldRun) rollout.desired.add(node.name);
    if (acted) rollout.touched.add(node.name);
  }
  if (rollout) rollingUpdate(pass, ds, rollout);
}

/** An empty slot's pods (manageSlot only reads the list). */
const NONE: PodView[] = [];

/** One (DaemonSet, node) slot: syncNode for a single DaemonSet. */
function syncSlot(pass: Pass, ds: DaemonSetView, name: string): void {
  const { state } = pass;
  const node = state.nodes.get(name);
  const owned: PodView[] = [];
  for (const pod of podsInSlot(state, ds.key, name)) {
    if (!node) pass.delete(pod, 'NodeLeft');
    else if (!owns(ds, pod)) pass.delete(pod, 'DaemonSetDeleted');
    else owned.push(pod);
  }
  if (node) manageSlot(pass, ds, name, nodeShouldRun(node, ds), owned);
}

/** Every DaemonSet not synced whole × that node; everything on a departed node goes, orphans too. */
function syncNode(pass: Pass, name: string, whole: Set<string>): void {
  const { state } = pass;
  const node = state.nodes.get(name);
  const byDaemonSet = new Map<string, PodView[]>();
  for (const pod of podsOnNode(state, name)) {
    if (!node) pass.delete(pod, 'NodeLeft');
    else if (pod.daemonSet === null || whole.has(pod.daemonSet)) continue;
    else {
      const ds = state.daemonSets.get(pod.daemonSet);
      if (!ds || !owns(ds, pod)) pass.delete(pod, 'DaemonSetDeleted');
      else {
        const list = byDaemonSet.get(ds.key);
        if (list) list.push(pod);
        else byDaemonSet.set(ds.key, [pod]);
      }
    }
  }
  if (!node) return;
  for (const ds of state.daemonSets.values()) {
    if (!whole.has(ds.key)) manageSlot(pass, ds, name, nodeShouldRun(node, ds), byDaemonSet.get(ds.key) ?? []);
  }
}

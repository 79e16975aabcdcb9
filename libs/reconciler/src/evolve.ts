// The projection fold: the log, event by event, into the reconciler's ClusterState.
// Unknown events and repeats are no-ops, so a redelivered event cannot change the result.
import type {
  DaemonSetCreated,
  DaemonSetDeleted,
  DaemonSetSpec,
  NodeJoined,
  NodeLeft,
  NodeReadinessChanged,
  NodeUpdated,
  PodOrphaned,
  PodRemoved,
  PodScheduled,
  PodStatusChanged,
  RecordedEvent,
} from '@everynode/contracts';
import { POD_BATCHES } from '@everynode/contracts';
import { BACKOFF_MAX_MS } from './availability';
import { indexAdded, indexRemoved, indexReplaced } from './pod-index';
import { ClusterState, DaemonSetView, objectKey, slotKey } from './state';

export function emptyCluster(): ClusterState {
  return { nodes: new Map(), daemonSets: new Map(), pods: new Map(), failures: new Map(), vacated: new Map() };
}

/** Folds one event. For speed it MUTATES `state` (its maps) and returns it; views are replaced, never edited. */
export function evolve(state: ClusterState, event: RecordedEvent): ClusterState {
  // The services never append such an event; one written into the log by hand must not wedge every fold.
  if (event.data === null || typeof event.data !== 'object') return state;
  const batch = POD_BATCHES[event.type];
  if (batch) {
    // Each member folds as its own event would, without an envelope made for it (a replay folds millions).
    const members = (event.data as Record<string, unknown>)[batch.field];
    if (Array.isArray(members)) for (const data of members) if (data !== null && typeof data === 'object') evolvePod(state, batch.member, data, event);
    return state;
  }
  switch (event.type) {
    case 'NodeJoined': {
      const d = event.data as NodeJoined;
      state.nodes.set(d.name, { name: d.name, labels: { ...d.labels }, taints: [...d.taints], unschedulable: d.unschedulable, ready: d.ready });
      break;
    }
    case 'NodeUpdated': {
      const d = event.data as NodeUpdated;
      const node = state.nodes.get(d.name);
      if (node) state.nodes.set(d.name, { ...node, labels: { ...d.labels }, taints: [...d.taints], unschedulable: d.unschedulable });
      break;
    }
    case 'NodeReadinessChanged': {
      const d = event.data as NodeReadinessChanged;
      const node = state.nodes.get(d.name);
      if (node) state.nodes.set(d.name, { ...node, ready: d.status });
      break;
    }
    case 'NodeLeft': {
      const { name } = event.data as NodeLeft;
      state.nodes.delete(name);
      forgetSlots(state, (slot) => slot.endsWith(`|${name}`));
      break;
    }
    case 'DaemonSetCreated':
    case 'DaemonSetUpdated': {
      const d = event.data as DaemonSetCreated;
      const key = objectKey(d.namespace, d.name);
      const previous = state.daemonSets.get(key);
      const same = previous?.uid === d.uid;
      // Like upstream's backoff key (uid, generation, node): a new spec starts without backoff.
      if (same && previous.generation !== d.generation) forgetSlots(state, (slot) => slot.startsWith(`${key}|`), false);
      const revisions = new Map(same ? previous.revisions : []);
      revisions.set(d.templateHash, d.revision);
      const view: DaemonSetView = {
        key,
        namespace: d.namespace,
        name: d.name,
        uid: d.uid,
        generation: d.generation,
        templateHash: d.templateHash,
        spec: withDefaults(d.object.spec),
        revisions,
      };
      state.daemonSets.set(key, view);
      break;
    }
    case 'DaemonSetDeleted': {
      const d = event.data as DaemonSetDeleted;
      const key = objectKey(d.namespace, d.name);
      // Its pods stay until the scheduler removes them (or orphans them: PodOrphaned).
      if (state.daemonSets.get(key)?.uid !== d.uid) break;
      state.daemonSets.delete(key);
      forgetSlots(state, (slot) => slot.startsWith(`${key}|`));
      break;
    }
    case 'PodScheduled':
    case 'PodStatusChanged':
    case 'PodRemoved':
    case 'PodOrphaned':
      evolvePod(state, event.type, event.data, event);
      break;
  }
  return state;
}

/** A pod's event, alone or a batch's member (`data`); `event` gives the position and time it was recorded at. */
function evolvePod(state: ClusterState, type: string, data: unknown, event: RecordedEvent): void {
  switch (type) {
    case 'PodScheduled': {
      const d = data as PodScheduled;
      const key = objectKey(d.namespace, d.pod);
      if (state.pods.has(key)) break;
      const dsKey = objectKey(d.namespace, d.daemonSet);
      const daemonSet = state.daemonSets.get(dsKey)?.key ?? dsKey; // its DaemonSet's own copy: one string, not one per pod
      const pod = {
        key,
        namespace: d.namespace,
        name: d.pod,
        daemonSet,
        daemonSetUid: d.daemonSetUid,
        node: d.node,
        templateHash: d.templateHash,
        generation: d.generation,
        phase: 'Pending' as const,
        ready: false,
        readySince: null,
        scheduledAt: event.position,
        uid: d.uid,
        restarts: 0,
        podIP: undefined,
        createdAt: event.recordedAt,
        changedAt: event.position,
      };
      state.pods.set(key, pod);
      indexAdded(state, pod);
      if (state.vacated.size) state.vacated.delete(slotKey(daemonSet, d.node));
      break;
    }
    case 'PodStatusChanged': {
      const d = data as PodStatusChanged;
      const key = objectKey(d.namespace, d.pod);
      const pod = state.pods.get(key);
      if (!pod) break;
      const readySince = !d.ready ? null : pod.ready && pod.readySince !== null ? pod.readySince : Date.parse(event.recordedAt);
      state.pods.set(key, { ...pod, phase: d.phase, ready: d.ready, readySince, restarts: d.restarts, podIP: d.podIP, changedAt: event.position });
      break;
    }
    case 'PodRemoved': {
      const d = data as PodRemoved;
      const key = objectKey(d.namespace, d.pod);
      const pod = state.pods.get(key);
      if (!pod) break;
      state.pods.delete(key);
      indexRemoved(state, pod);
      if (pod.daemonSet !== null && VACATING.has(d.reason)) vacate(state, slotKey(pod.daemonSet, pod.node), d.reason, event.recordedAt);
      break;
    }
    case 'PodOrphaned': {
      const d = data as PodOrphaned;
      const key = objectKey(d.namespace, d.pod);
      const pod = state.pods.get(key);
      if (!pod || pod.daemonSet === null) break;
      const orphan = { ...pod, daemonSet: null, daemonSetUid: undefined, changedAt: event.position };
      state.pods.set(key, orphan);
      indexReplaced(state, pod, orphan);
      break;
    }
  }
}

/** Remembers why a slot was emptied: a failure feeds the backoff, a replacement names the next create. */
/** The removals `vacate` remembers (replaying a million events, the others need no slot key). */
const VACATING = new Set<PodRemoved['reason']>(['Failed', 'Updated', 'Deleted']);

function vacate(state: ClusterState, slot: string, reason: PodRemoved['reason'], recordedAt: string): void {
  if (reason === 'Failed') {
    const at = Date.parse(recordedAt);
    const last = state.failures.get(slot);
    // flowcontrol.Backoff forgets an entry idle for twice the maximum delay.
    const fresh = !last || at - last.lastAt > 2 * BACKOFF_MAX_MS;
    state.failures.set(slot, { count: fresh ? 1 : last.count + 1, lastAt: at });
  }
  if (reason === 'Updated') state.vacated.set(slot, 'Updated');
  else if (reason === 'Failed' || reason === 'Deleted') state.vacated.set(slot, 'Replaced');
}

function forgetSlots(state: ClusterState, match: (slot: string) => boolean, vacated = true): void {
  for (const slot of state.failures.keys()) if (match(slot)) state.failures.delete(slot);
  if (vacated) for (const slot of state.vacated.keys()) if (match(slot)) state.vacated.delete(slot);
}

/** apps/v1 defaults, in case the stored object lacks them. */
function withDefaults(spec: DaemonSetSpec): DaemonSetSpec {
  const strategy = spec.updateStrategy;
  const type = strategy?.type ?? 'RollingUpdate';
  const updateStrategy =
    type === 'RollingUpdate'
      ? {
          type,
          rollingUpdate: {
            maxUnavailable: strategy?.rollingUpdate?.maxUnavailable ?? 1,
            maxSurge: strategy?.rollingUpdate?.maxSurge ?? 0,
          },
        }
      : { ...strategy, type };
  return { ...spec, updateStrategy, minReadySeconds: spec.minReadySeconds ?? 0, revisionHistoryLimit: spec.revisionHistoryLimit ?? 10 };
}

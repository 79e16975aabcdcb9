// Turns the pure core's actions into the events that record them, each naming the event that caused it.
// Data and metadata are built with their keys in sorted order: the hash chain's canonical JSON then
// hashes them as they are, without a sorted copy (150,000 placements make that garbage matter).
import { randomUUID } from 'node:crypto';
import { newEventId } from '@everynode/event-store';
import { podName, podStream, PodOrphaned, PodRemoved, PodScheduled } from '@everynode/contracts';
import type { EventMetadata } from '@everynode/contracts';
import type { AppendRequest } from '@everynode/event-store';
import type { Action } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';
import { podBatchRequests } from '../cluster/pod-batch-requests';

/** A decision is the append that records it: a pod stream's one event, or a batch of placements or removals. */
export type Decision = AppendRequest;

/** A pod's event decided (a placement or a removal), before it is batched with others of the same cause. */
export interface Member<D> {
  data: D;
  metadata: EventMetadata;
}
export type Placement = Member<PodScheduled>;
export type Removal = Member<PodRemoved>;

const ACTOR = 'service:scheduler';

function metadata(cache: ClusterCache, keys: string[], reason: string): EventMetadata {
  const cause = cache.latestCause(...keys);
  return {
    actor: ACTOR,
    causationId: cause?.eventId ?? null,
    correlationId: cause?.correlationId ?? randomUUID(),
    reason,
  };
}

const splitKey = (key: string) => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

/**
 * A new pod for a create action. Its name is unique among live pods (`taken`: names given in this pass), as
 * Kubernetes' generateName is: a removed pod's name can come again, on a pod with a uid of its own.
 */
export function placementFor(cache: ClusterCache, action: Extract<Action, { kind: 'create' }>, taken: Set<string>, suffixLength?: number): Placement {
  const ds = cache.state.daemonSets.get(action.daemonSet)!;
  let name: string;
  do name = podName(ds.name, Math.random, suffixLength);
  while (taken.has(`${ds.namespace}/${name}`) || cache.state.pods.has(`${ds.namespace}/${name}`));
  taken.add(`${ds.namespace}/${name}`);
  return {
    data: {
      daemonSet: ds.name,
      daemonSetUid: ds.uid,
      generation: action.generation,
      namespace: ds.namespace,
      node: action.node,
      pod: name,
      templateHash: action.templateHash,
      uid: randomUUID(),
    },
    metadata: metadata(cache, [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
  };
}

/**
 * Members of one cause and reason (a node's join or departure, a DaemonSet's apply or deletion) as batch events
 * of at most MAX_BATCH_MEMBERS pods: a converge's 150,000 placements are ~300 events, the 30 of a join one, and
 * so are the 30 removals of a departure.
 */
export function batches<D>(type: 'PodsScheduled' | 'PodsRemoved', members: Member<D>[]): Decision[] {
  const byCause = new Map<string, Member<D>[]>();
  for (const m of members) {
    const key = `${m.metadata.causationId}|${m.metadata.reason}`;
    const group = byCause.get(key);
    if (group) group.push(m);
    else byCause.set(key, [m]);
  }
  return [...byCause.values()].flatMap((group) => podBatchRequests(type, group.map((m) => m.data), group[0].metadata));
}

const CAUSE_KEYS: Record<string, (a: Extract<Action, { kind: 'delete' }>) => string[]> = {
  NodeLeft: (a) => [`node:${a.node}`],
  DaemonSetDeleted: (a) => [`ds:${a.daemonSet}`],
  Updated: (a) => [`ds:${a.daemonSet}`],
  Duplicate: (a) => [`node:${a.node}`, `ds:${a.daemonSet}`],
  Failed: (a) => [`pod:${a.pod}`],
};

/**
 * A removal, named by its cause. Pods have no stream version to expect any more: what keeps two writers from
 * removing one pod twice is the pod view check every scheduler append carries (podViewCheckSql).
 */
export function removalFor(cache: ClusterCache, action: Extract<Action, { kind: 'delete' }>): Removal {
  const { namespace, name } = splitKey(action.pod);
  return {
    data: {
      daemonSet: action.daemonSet ? splitKey(action.daemonSet).name : '',
      namespace,
      node: action.node,
      pod: name,
      reason: action.reason,
    },
    metadata: metadata(cache, CAUSE_KEYS[action.reason]?.(action) ?? [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
  };
}

/** cascade=orphan: the pod keeps running, without an owner. */
export function orphanDecision(cache: ClusterCache, podKey: string, formerDaemonSet: string): Decision {
  const { namespace, name } = splitKey(podKey);
  const pod = cache.state.pods.get(podKey)!;
  const data: PodOrphaned = { daemonSet: splitKey(formerDaemonSet).name, namespace, node: pod.node, pod: name };
  return {
    stream: podStream(namespace, name),
    expectedVersion: 'any',
    events: [{ eventId: newEventId(), type: 'PodOrphaned', data, metadata: metadata(cache, [`ds:${formerDaemonSet}`], 'Orphaned') }],
  };
}

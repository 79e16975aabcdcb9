// Turns the pure core's actions into the events that record them, each naming the event that caused it.
// Data and metadata are built with their keys in sorted order: the hash chain's canonical JSON then
// hashes them as they are, without a sorted copy (150,000 placements make that garbage matter).
import { randomUUID } from 'node:crypto';
import { newEventId } from '@everynode/event-store';
import { MAX_BATCH_MEMBERS, podBatchStream, podName, podStream, PodOrphaned, PodRemoved, PodScheduled, PodsScheduled } from '@everynode/contracts';
import type { EventMetadata, NewEvent } from '@everynode/contracts';
import type { AppendRequest } from '@everynode/event-store';
import type { Action } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';

/** A decision is the append that records it: a pod stream's one event, or a batch of placements. */
export type Decision = AppendRequest;

/** A placement decided, before it is batched with others of the same cause. */
export interface Placement {
  data: PodScheduled;
  metadata: EventMetadata;
}

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
 * Placements of one cause and reason (a node's join, a DaemonSet's apply) as PodsScheduled events of at most
 * MAX_BATCH_MEMBERS pods, each its own stream: a converge's 150,000 pods are ~300 events, a join's 30 pods one.
 */
export function placementBatches(placements: Placement[]): Decision[] {
  const byCause = new Map<string, Placement[]>();
  for (const p of placements) {
    const key = `${p.metadata.causationId}|${p.metadata.reason}`;
    const group = byCause.get(key);
    if (group) group.push(p);
    else byCause.set(key, [p]);
  }
  const decisions: Decision[] = [];
  for (const group of byCause.values()) {
    for (let i = 0; i < group.length; i += MAX_BATCH_MEMBERS) {
      const data: PodsScheduled = { pods: group.slice(i, i + MAX_BATCH_MEMBERS).map((p) => p.data) };
      const eventId = newEventId();
      decisions.push({ stream: podBatchStream(eventId), expectedVersion: 'no_stream', events: [{ eventId, type: 'PodsScheduled', data, metadata: group[i].metadata }] });
    }
  }
  return decisions;
}

/**
 * A removal. Pods have no stream version to expect any more (their placements are batches): what keeps two
 * writers from removing one pod twice is the pod view check every scheduler append carries (podViewCheckSql).
 */
export function removalFor(cache: ClusterCache, action: Extract<Action, { kind: 'delete' }>): Decision {
  const { namespace, name } = splitKey(action.pod);
  const causeKeys: Record<string, string[]> = {
    NodeLeft: [`node:${action.node}`],
    DaemonSetDeleted: [`ds:${action.daemonSet}`],
    Updated: [`ds:${action.daemonSet}`],
    Duplicate: [`node:${action.node}`, `ds:${action.daemonSet}`],
    Failed: [`pod:${action.pod}`],
  };
  const data: PodRemoved = {
    daemonSet: action.daemonSet ? splitKey(action.daemonSet).name : '',
    namespace,
    node: action.node,
    pod: name,
    reason: action.reason,
  };
  return {
    stream: podStream(namespace, name),
    expectedVersion: 'any',
    events: [
      {
        eventId: newEventId(),
        type: 'PodRemoved',
        data,
        metadata: metadata(cache, causeKeys[action.reason] ?? [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
      },
    ],
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

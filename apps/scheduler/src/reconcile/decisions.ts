// Turns the pure core's actions into the events that record them, each naming the event that caused it.
// Data and metadata are built with their keys in sorted order: the hash chain's canonical JSON then
// hashes them as they are, without a sorted copy (150,000 placements make that garbage matter).
import { randomUUID } from 'node:crypto';
import { newEventId } from '@everynode/event-store';
import { podName, podStream, PodOrphaned, PodRemoved, PodScheduled } from '@everynode/contracts';
import type { EventMetadata, NewEvent } from '@everynode/contracts';
import type { AppendRequest } from '@everynode/event-store';
import type { Action } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';

/** A decision is the append that records it: one pod stream, one event. */
export type Decision = AppendRequest;

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
 * `taken`: names given in this pass. A name can also have been used by a pod removed long ago (its stream
 * lives on in the log): the append then fails and the commit retries with new names, as Kubernetes retries
 * generateName on AlreadyExists.
 */
export function decisionFor(cache: ClusterCache, action: Action, taken: Set<string>, suffixLength?: number): Decision {
  if (action.kind === 'create') {
    const ds = cache.state.daemonSets.get(action.daemonSet)!;
    let name: string;
    do name = podName(ds.name, Math.random, suffixLength);
    while (taken.has(`${ds.namespace}/${name}`) || cache.state.pods.has(`${ds.namespace}/${name}`));
    taken.add(`${ds.namespace}/${name}`);
    const data: PodScheduled = {
      daemonSet: ds.name,
      daemonSetUid: ds.uid,
      generation: action.generation,
      namespace: ds.namespace,
      node: action.node,
      pod: name,
      templateHash: action.templateHash,
      uid: randomUUID(),
    };
    const event: NewEvent = {
      eventId: newEventId(),
      type: 'PodScheduled',
      data,
      metadata: metadata(cache, [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
    };
    return { stream: podStream(ds.namespace, name), expectedVersion: 'no_stream', events: [event] };
  }
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
    expectedVersion: cache.pods.get(action.pod)?.version ?? 'stream_exists',
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
    expectedVersion: cache.pods.get(podKey)?.version ?? 'stream_exists',
    events: [{ eventId: newEventId(), type: 'PodOrphaned', data, metadata: metadata(cache, [`ds:${formerDaemonSet}`], 'Orphaned') }],
  };
}

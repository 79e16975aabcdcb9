// Turns the pure core's actions into the events that record them, each naming the event that caused it.
import { randomUUID } from 'node:crypto';
import { podName, podStream, PodOrphaned, PodRemoved, PodScheduled } from '@everynode/contracts';
import type { EventMetadata, NewEvent } from '@everynode/contracts';
import type { AppendRequest } from '@everynode/event-store';
import type { Action } from '@everynode/reconciler';
import { ClusterCache } from '../cluster/cluster.cache';

export interface Decision {
  request: AppendRequest;
  /** The placements-guard change committed with it. */
  guard: { insert?: { pod: string; daemonset: string; node: string; template_hash: string }; remove?: string };
}

const ACTOR = 'service:scheduler';

function metadata(cache: ClusterCache, keys: string[], reason: string): EventMetadata {
  const cause = cache.latestCause(...keys);
  return {
    causationId: cause?.eventId ?? null,
    correlationId: cause?.correlationId ?? randomUUID(),
    actor: ACTOR,
    reason,
  };
}

const splitKey = (key: string) => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export function decisionFor(cache: ClusterCache, action: Action, taken: Set<string>): Decision {
  if (action.kind === 'create') {
    const ds = cache.state.daemonSets.get(action.daemonSet)!;
    let name: string;
    do name = podName(ds.name);
    while (taken.has(`${ds.namespace}/${name}`) || cache.state.pods.has(`${ds.namespace}/${name}`));
    taken.add(`${ds.namespace}/${name}`);
    const data: PodScheduled = {
      pod: name,
      namespace: ds.namespace,
      uid: randomUUID(),
      daemonSet: ds.name,
      daemonSetUid: ds.uid,
      node: action.node,
      templateHash: action.templateHash,
      generation: action.generation,
    };
    const event: NewEvent = {
      eventId: randomUUID(),
      type: 'PodScheduled',
      data,
      metadata: metadata(cache, [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
    };
    return {
      request: { stream: podStream(ds.namespace, name), expectedVersion: 'no_stream', events: [event] },
      guard: { insert: { pod: `${ds.namespace}/${name}`, daemonset: action.daemonSet, node: action.node, template_hash: action.templateHash } },
    };
  }
  const { namespace, name } = splitKey(action.pod);
  const causeKeys: Record<string, string[]> = {
    NodeLeft: [`node:${action.node}`],
    DaemonSetDeleted: [`ds:${action.daemonSet}`],
    Updated: [`ds:${action.daemonSet}`],
    Duplicate: [`pod:${action.pod}`],
    Failed: [`pod:${action.pod}`],
  };
  const data: PodRemoved = {
    pod: name,
    namespace,
    daemonSet: action.daemonSet ? splitKey(action.daemonSet).name : '',
    node: action.node,
    reason: action.reason,
  };
  return {
    request: {
      stream: podStream(namespace, name),
      expectedVersion: cache.pods.get(action.pod)?.version ?? 'stream_exists',
      events: [
        {
          eventId: randomUUID(),
          type: 'PodRemoved',
          data,
          metadata: metadata(cache, causeKeys[action.reason] ?? [`node:${action.node}`, `ds:${action.daemonSet}`], action.reason),
        },
      ],
    },
    guard: { remove: action.pod },
  };
}

/** cascade=orphan: the pod keeps running, without an owner. */
export function orphanDecision(cache: ClusterCache, podKey: string, formerDaemonSet: string): Decision {
  const { namespace, name } = splitKey(podKey);
  const pod = cache.state.pods.get(podKey)!;
  const data: PodOrphaned = { pod: name, namespace, daemonSet: splitKey(formerDaemonSet).name, node: pod.node };
  return {
    request: {
      stream: podStream(namespace, name),
      expectedVersion: cache.pods.get(podKey)?.version ?? 'stream_exists',
      events: [{ eventId: randomUUID(), type: 'PodOrphaned', data, metadata: metadata(cache, [`ds:${formerDaemonSet}`], 'Orphaned') }],
    },
    guard: { remove: podKey },
  };
}

// Pure fold of pod streams into the records clients see (`kubectl get pods`).
import type { PodOrphaned, PodRecord, PodScheduled, PodStatusChanged, RecordedEvent } from '@everynode/contracts';

export const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

type StoredPod = PodRecord & { version: number };

/**
 * A pod's record after a change, every field written in one order. `{ ...pod, podIP }` on a record that had
 * no podIP gave each of them a hidden class of its own: 150,000 maps and descriptor arrays, 70 MB and a third
 * of the scheduler's heap, all of it marked again by every major GC.
 */
function changed(pod: StoredPod, change: Partial<PodRecord>, resourceVersion: string, version: number): StoredPod {
  const pick = <K extends keyof PodRecord>(k: K): PodRecord[K] => (k in change ? change[k] : pod[k]) as PodRecord[K];
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    daemonSet: pick('daemonSet'),
    node: pod.node,
    templateHash: pod.templateHash,
    generation: pod.generation,
    phase: pick('phase'),
    ready: pick('ready'),
    restarts: pick('restarts'),
    createdAt: pod.createdAt,
    resourceVersion,
    version,
    podIP: pick('podIP'),
  };
}

/** Folds one event into `pods` (mutated); returns the key it touched and how, or null. */
export function evolvePods(
  pods: Map<string, StoredPod>,
  event: RecordedEvent,
): { key: string; type: 'ADDED' | 'MODIFIED' | 'DELETED' } | null {
  const rv = String(event.position);
  switch (event.type) {
    case 'PodScheduled': {
      const d = event.data as PodScheduled;
      const key = podKey(d.namespace, d.pod);
      if (pods.has(key)) return null;
      pods.set(key, {
        namespace: d.namespace,
        name: d.pod,
        uid: d.uid,
        daemonSet: d.daemonSet,
        node: d.node,
        templateHash: d.templateHash,
        generation: d.generation,
        phase: 'Pending',
        ready: false,
        restarts: 0,
        createdAt: event.recordedAt,
        resourceVersion: rv,
        version: event.streamVersion,
      });
      return { key, type: 'ADDED' };
    }
    case 'PodStatusChanged': {
      const d = event.data as PodStatusChanged;
      const key = podKey(d.namespace, d.pod);
      const pod = pods.get(key);
      if (!pod) return null;
      pods.set(key, changed(pod, { phase: d.phase, ready: d.ready, podIP: d.podIP, restarts: d.restarts }, rv, event.streamVersion));
      return { key, type: 'MODIFIED' };
    }
    case 'PodOrphaned': {
      const d = event.data as PodOrphaned;
      const key = podKey(d.namespace, d.pod);
      const pod = pods.get(key);
      if (!pod) return null;
      pods.set(key, changed(pod, { daemonSet: null }, rv, event.streamVersion));
      return { key, type: 'MODIFIED' };
    }
    case 'PodRemoved': {
      const d = event.data as { namespace: string; pod: string };
      const key = podKey(d.namespace, d.pod);
      if (!pods.delete(key)) return null;
      return { key, type: 'DELETED' };
    }
    default:
      return null;
  }
}

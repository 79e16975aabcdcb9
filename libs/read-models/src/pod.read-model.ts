// Pure fold of pod streams into the records clients see (`kubectl get pods`).
import type { PodOrphaned, PodRecord, PodScheduled, PodStatusChanged, RecordedEvent } from '@everynode/contracts';

export const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** Folds one event into `pods` (mutated); returns the key it touched and how, or null. */
export function evolvePods(
  pods: Map<string, PodRecord & { version: number }>,
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
      pods.set(key, { ...pod, phase: d.phase, ready: d.ready, podIP: d.podIP, restarts: d.restarts, resourceVersion: rv, version: event.streamVersion });
      return { key, type: 'MODIFIED' };
    }
    case 'PodOrphaned': {
      const d = event.data as PodOrphaned;
      const key = podKey(d.namespace, d.pod);
      const pod = pods.get(key);
      if (!pod) return null;
      pods.set(key, { ...pod, daemonSet: null, resourceVersion: rv, version: event.streamVersion });
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

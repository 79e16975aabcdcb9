// Pods as clients see them (`kubectl get pods`), made from the pure core's view of each pod: one fold
// (`evolve`) says what a pod is, this says how it is shown.
import type { PodRecord } from '@everynode/contracts';
import type { PodView } from '@everynode/reconciler';

export const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * The record of a pod. Every field is written in one order: records made with varying fields (`{ ...pod, podIP }`
 * on one that had none) each had a hidden class of their own, 150,000 maps and 70 MB of a 216 MB heap.
 */
export function podRecordOf(pod: PodView): PodRecord {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    // The view names its owner by key (`namespace/name`); clients by name, in the pod's namespace.
    daemonSet: pod.daemonSet === null ? null : pod.daemonSet.slice(pod.namespace.length + 1),
    node: pod.node,
    templateHash: pod.templateHash,
    generation: pod.generation,
    phase: pod.phase,
    ready: pod.ready,
    restarts: pod.restarts,
    createdAt: pod.createdAt,
    resourceVersion: String(pod.changedAt),
    podIP: pod.podIP,
  };
}

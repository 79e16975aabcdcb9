// Taints and tolerations (core/v1 Toleration.ToleratesTaint) and the tolerations every daemon pod gets.
import type { Taint, Toleration } from '@everynode/contracts';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** True when one of the tolerations tolerates the taint. */
export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

const exists = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration =>
  Object.freeze({ key, operator: 'Exists', effect });

const BASE: readonly Toleration[] = Object.freeze([
  exists('node.kubernetes.io/not-ready', 'NoExecute'),
  exists('node.kubernetes.io/unreachable', 'NoExecute'),
  exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
]);
const WITH_HOST_NETWORK: readonly Toleration[] = Object.freeze([
  ...BASE,
  exists('node.kubernetes.io/network-unavailable', 'NoSchedule'),
]);

/** The tolerations the DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
export function DAEMON_TOLERATIONS(hostNetwork: boolean): readonly Toleration[] {
  return hostNetwork ? WITH_HOST_NETWORK : BASE;
}

// One reconcile pass: collects the actions, at most one per pod and one create per (DaemonSet, node),
// holds back creates still in failure backoff, and remembers the earliest time worth looking again.
import type { PodRemovedReason } from '@everynode/contracts';
import { backoffDelayMs, msUntilAvailable } from './availability';
import { ClusterState, DaemonSetView, PodView, slotKey } from './state';

export type CreateReason = 'Placed' | 'Replaced' | 'Updated' | 'Surge';

export type Action =
  | { kind: 'create'; daemonSet: string; node: string; templateHash: string; generation: number; reason: CreateReason }
  | { kind: 'delete'; pod: string; daemonSet: string | null; node: string; reason: PodRemovedReason };

export class Pass {
  readonly actions: Action[] = [];
  private readonly deleted = new Set<string>();
  private readonly created = new Set<string>();
  private requeueAt?: number;

  constructor(
    readonly state: ClusterState,
    readonly now: number,
  ) {}

  delete(pod: PodView, reason: PodRemovedReason): void {
    if (this.deleted.has(pod.key)) return;
    this.deleted.add(pod.key);
    this.actions.push({ kind: 'delete', pod: pod.key, daemonSet: pod.daemonSet, node: pod.node, reason });
  }

  /** Creates a pod of the current template unless the slot is in failure backoff. */
  place(ds: DaemonSetView, node: string, surge = false): boolean {
    const slot = slotKey(ds.key, node);
    if (this.created.has(slot)) return false;
    const failure = this.state.failures.get(slot);
    if (failure) {
      const wait = failure.lastAt + backoffDelayMs(failure.count) - this.now;
      if (wait > 0) {
        this.requeue(wait);
        return false;
      }
    }
    this.created.add(slot);
    const reason = surge ? 'Surge' : (this.state.vacated.get(slot) ?? 'Placed');
    this.actions.push({ kind: 'create', daemonSet: ds.key, node, templateHash: ds.templateHash, generation: ds.generation, reason });
    return true;
  }

  /** Look again when a Ready pod turns available: rollouts and AVAILABLE wait on it. */
  watch(pods: PodView[], minReadySeconds: number): void {
    for (const pod of pods) {
      const wait = msUntilAvailable(pod, minReadySeconds, this.now);
      if (wait !== undefined) this.requeue(wait);
    }
  }

  requeue(afterMs: number): void {
    if (this.requeueAt === undefined || afterMs < this.requeueAt) this.requeueAt = afterMs;
  }

  result(): { actions: Action[]; requeueAfterMs?: number } {
    const actions = this.actions.sort(actionOrder);
    return this.requeueAt === undefined ? { actions } : { actions, requeueAfterMs: Math.ceil(this.requeueAt) };
  }
}

/** Deletes first (they free slots), then by DaemonSet, node and pod: stable for tests and logs. */
function actionOrder(a: Action, b: Action): number {
  if (a.kind !== b.kind) return a.kind === 'delete' ? -1 : 1;
  return (
    cmp(a.daemonSet ?? '', b.daemonSet ?? '') ||
    cmp(a.node, b.node) ||
    (a.kind === 'delete' && b.kind === 'delete' ? cmp(a.pod, b.pod) : 0)
  );
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

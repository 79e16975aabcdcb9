// The scheduler appends from two places, the reconcile loop and the status writer. Each plans its append
// (positions, hash chain, the INSERT document) before taking the log lock, on the head it expects. When the
// other one committed in between, that plan no longer holds and is made again UNDER the lock, which every
// writer of the log then waits for: sampled during node churn, the lock holder spent a third of its time
// waiting on its own process. So the two take turns in the order they planned, and each plans on the head
// the appends queued before it will leave.
import { Injectable } from '@nestjs/common';
import { EventStore, headAfter } from '@everynode/event-store';
import type { LogHead, PreparedAppend } from '@everynode/event-store';
import { ClusterCache } from './cluster.cache';

const sameHead = (a: LogHead | null, b: LogHead | null) => a?.position === b?.position && a?.hash === b?.hash;

/** An append waiting for its turn: how to plan it, and its plan as it stands. */
interface Waiting<P> {
  plan: (head: LogHead | null) => P;
  planned: P;
}

@Injectable()
export class AppendSequencer {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** The head once every queued append is committed as planned. */
  private expected: LogHead | null = null;
  /** Planned appends whose turn has not come, in order. */
  private readonly waiting: Waiting<{ prepared: PreparedAppend | null }>[] = [];

  constructor(
    private readonly cache: ClusterCache,
    private readonly store: EventStore,
  ) {}

  /**
   * `plan` runs now, on the head the appends queued before it will leave (the folded head when none is);
   * `commit` runs once they are done, in order, and must fold what it appended. A plan that another
   * process — or a failed append before it — made wrong is planned again when its turn comes (see below); one
   * the log still moved under is planned again under the lock by the event store: slower, never wrong.
   */
  run<P extends { prepared: PreparedAppend | null }, R>(plan: (head: LogHead | null) => P, commit: (planned: P) => Promise<R>): Promise<R> {
    const base = this.queued > 0 ? this.expected : this.cache.head;
    const entry: Waiting<P> = { plan, planned: plan(base) };
    this.waiting.push(entry);
    this.expected = entry.planned.prepared ? headAfter(entry.planned.prepared) : base;
    this.queued++;
    const result = this.tail.then(() => {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      // The append before this one did not end where this plan assumed (another process appended meanwhile,
      // or it failed, or it was planned again under the lock with new times and hashes): plan this one again
      // on the head as folded, still outside the lock, and the ones waiting behind it on the heads it leaves.
      // Committed as they were, the plans would fail their checks one after the other for as long as the queue
      // never emptied: measured, a converge ran on the slow path from its first stale plan to its end
      // (scheduler CPU 100-108 µs a placement instead of 71-76).
      // While other processes append (store.plansHolding false), the folded head is most likely behind the log
      // as well, and the store plans under the lock anyway: planning here too would only cost CPU.
      if (!entry.planned.prepared || !this.store.plansHolding || sameHead(entry.planned.prepared.head, this.cache.head)) return commit(entry.planned);
      entry.planned = entry.plan(this.cache.head);
      const committing = commit(entry.planned);
      let head = entry.planned.prepared ? headAfter(entry.planned.prepared) : this.cache.head;
      for (const next of this.waiting) {
        next.planned = next.plan(head);
        if (next.planned.prepared) head = headAfter(next.planned.prepared);
      }
      this.expected = head;
      return committing;
    });
    this.tail = result.catch(() => undefined);
    return result.finally(() => void this.queued--);
  }
}

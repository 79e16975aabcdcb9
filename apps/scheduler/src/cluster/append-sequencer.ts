// The scheduler appends from two places, the reconcile loop and the status writer. Each plans its append
// (positions, hash chain, the INSERT document) before taking the log lock, on the head it expects. When the
// other one committed in between, that plan no longer holds and is made again UNDER the lock, which every
// writer of the log then waits for: sampled during node churn, the lock holder spent a third of its time
// waiting on its own process. So the two take turns in the order they planned, and each plans on the head
// the appends queued before it will leave.
import { Injectable } from '@nestjs/common';
import { headAfter } from '@everynode/event-store';
import type { LogHead, PreparedAppend } from '@everynode/event-store';
import { ClusterCache } from './cluster.cache';

const sameHead = (a: LogHead | null, b: LogHead | null) => a?.position === b?.position && a?.hash === b?.hash;

@Injectable()
export class AppendSequencer {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** The head once every queued append is committed as planned. */
  private expected: LogHead | null = null;

  constructor(private readonly cache: ClusterCache) {}

  /**
   * `plan` runs now, on the head the appends queued before it will leave (the folded head when none is);
   * `commit` runs once they are done, in order, and must fold what it appended. A plan that another
   * process — or a failed append before it — made wrong is planned again under the lock by the event
   * store: slower, never wrong. (Without a prepared plan, nothing is known of the head it leaves.)
   */
  run<P extends { prepared: PreparedAppend | null }, R>(plan: (head: LogHead | null) => P, commit: (planned: P) => Promise<R>): Promise<R> {
    const base = this.queued > 0 ? this.expected : this.cache.head;
    let planned = plan(base);
    this.expected = planned.prepared ? headAfter(planned.prepared) : base;
    this.queued++;
    const result = this.tail.then(() => {
      // An append before this one did not end where this plan assumed (another process appended meanwhile, or
      // one failed or was planned again under the lock, with new times and hashes): plan again on the head as
      // folded, still outside the lock. Committed as it was, the plan would fail its check too, and so would
      // every plan queued behind it: a cascade that kept the log lock on the slow path for whole converges.
      if (planned.prepared && !sameHead(planned.prepared.head, this.cache.head)) planned = plan(this.cache.head);
      return commit(planned);
    });
    this.tail = result.catch(() => undefined);
    return result.finally(() => void this.queued--);
  }
}

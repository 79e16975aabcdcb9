// The log says what to look at as well as JetStream does, and sooner: LISTEN/NOTIFY wakes this trigger
// on every append, the view reads on, and the nodes and DaemonSets it folded go to the reconcile loop.
// JetStream stays the at-least-once trigger (an event is acked once its pass committed); this one only
// shortens the wait. In the churn bench a pull request of the event consumer that ended without its 408
// (nats-server 2.9) left the joins of the next 100-200 ms undelivered: a stall every ~10 s.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventStore, type Tail } from '@everynode/event-store';
import { ClusterCache } from '../cluster/cluster.cache';
import { ReconcileLoop } from '../reconcile/reconcile.loop';

@Injectable()
export class LogTrigger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogTrigger.name);
  private listening?: Tail;
  private reading?: Promise<void>;
  /** Woken while reading: read on once more (the read in flight may have missed what woke it). */
  private again = false;

  constructor(
    private readonly store: EventStore,
    private readonly cache: ClusterCache,
    private readonly loop: ReconcileLoop,
  ) {}

  onApplicationBootstrap(): void {
    this.listening = this.store.onAppend(
      () => this.wake(),
      (err) => this.logger.warn(`listening to the event log failed (JetStream still triggers passes): ${err.message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listening?.stop();
    await this.reading; // not reading from a pool that is closing
  }

  private wake(): void {
    if (!this.loop.synced) return; // the initial resync reads the log whole
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readOn();
  }

  private async readOn(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.cache.catchUp();
        this.loop.lookAtFolded();
      } while (this.again);
    } catch (err) {
      this.logger.warn(`reading the event log failed (the next append or pass reads on): ${(err as Error).message}`);
    } finally {
      this.reading = undefined;
    }
  }
}

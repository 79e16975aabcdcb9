// A GrpcView of its own for hosts that have none (tests, a standalone gRPC server): it follows the event
// log from the start and folds every event into a ClusterReadModel.
import type { EventStore, Tail } from '@everynode/event-store';
import { type Change, ClusterReadModel } from '@everynode/read-models';
import { serviceUnavailable } from '@everynode/contracts';
import type { GrpcView } from './grpc-deps';

export class LogView implements GrpcView {
  readonly model = new ClusterReadModel();
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private waiters: { position: number; resolve: () => void }[] = [];
  private tail?: Tail;
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: EventStore) {}

  /** Resolves once the log is folded up to where it stood at start. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.tail = this.store.tail(0, async (events) => this.fold(events), { pollMs: 500 });
    await this.reach(head, 60_000);
    // DaemonSet availability (minReadySeconds) changes with time alone.
    this.timer = setInterval(() => this.publish(this.model.flush(Date.now())), 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tail?.stop();
  }

  onChanges(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async waitForHead(): Promise<void> {
    await this.reach(await this.store.headPosition());
  }

  private fold(events: Parameters<Parameters<EventStore['tail']>[1]>[0]): void {
    const changes = events.flatMap((e) => this.model.apply(e));
    this.publish([...changes, ...this.model.flush(Date.now())]);
    const done = this.waiters.filter((w) => w.position <= this.model.position);
    this.waiters = this.waiters.filter((w) => w.position > this.model.position);
    for (const w of done) w.resolve();
  }

  private publish(changes: Change[]): void {
    if (!changes.length) return;
    for (const listener of this.listeners) listener(changes);
  }

  private reach(position: number, timeoutMs = 10_000): Promise<void> {
    if (this.model.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(serviceUnavailable(`the read model did not reach position ${position} within ${timeoutMs} ms (at ${this.model.position})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

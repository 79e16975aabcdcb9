import { subjects, type SerializedEvent } from '@everynode/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { connectNats, logStatus, natsAuthFromEnv, type NatsAuth } from '../nats-connection';
import { describeError } from '../server/dead-letter';
import { ensureStreams } from '../topology';
import { AckPublisher } from './ack-publisher';
import { eventMessages, type GroupLimits } from './event-messages';
import { RelayLease } from './relay-lease';

/** What the relay needs from `EventStore` (@everynode/event-store). */
export interface RelaySource {
  tailSerialized(
    after: number,
    onBatch: (events: SerializedEvent[]) => Promise<void>,
    opts?: { batchSize?: number; pollMs?: number; onError?: (err: Error) => void },
  ): { stop(): Promise<void> };
}

export interface RelayOptions {
  dataSource: DataSource;
  eventStore: RelaySource;
  servers: string;
  prefix: string;
  batchSize?: number;
  /** How many events one JetStream message may carry (DEFAULT_GROUP_LIMITS). */
  groupLimits?: GroupLimits;
  /** How long to wait for all PubAcks of a batch before re-publishing it. */
  ackTimeoutMs?: number;
  /**
   * Default: NATS_RELAY_USER … (the only NATS user allowed to publish events, config/nats/everynode.conf),
   * else the process's own NATS_USER ….
   */
  auth?: NatsAuth;
}

export interface RelayStats {
  /** Events published. */
  published: number;
  /** JetStream messages they travelled in (runs of one type share a message). */
  messages: number;
  /** The checkpoint: every event up to here is stored in JetStream. */
  lastPosition: number;
  active: boolean;
}

const CONTEND_EVERY_MS = 1000;
/** After losing the lock, leave the standbys (polling every second) time to take over. */
const YIELD_AFTER_LOSS_MS = 3000;
const PROBE_EVERY_MS = 2000;
/** How long an acknowledged checkpoint waits for the next batch's write to carry it before it is written alone. */
const CHECKPOINT_IDLE_MS = 200;

/**
 * Publishes the log to JetStream in order (DESIGN.md rule 4). One relay per database is active:
 * the holder of an advisory lock; the others retry every second (hot standby). Runs of events of
 * one type travel in one message (event-messages.ts) whose `Nats-Msg-Id` names its first and last
 * event; the checkpoint moves only after JetStream acknowledged every message of a batch; a failed
 * batch is re-published whole, cut the same way (`publishing_to` is written before it goes), and
 * JetStream drops the copies it already stored (duplicate window) — consumers are idempotent besides.
 * The checkpoint is written with the next batch's `publishing_to`, or alone once the log is quiet for
 * CHECKPOINT_IDLE_MS: a successor then re-publishes at most the last batch, cut the same way.
 */
export class Relay {
  private readonly logger = new Logger(Relay.name);
  private readonly checkpointId: string;
  private nc?: NatsConnection;
  private publisher?: AckPublisher;
  private lease?: RelayLease;
  private loop?: Promise<void>;
  private stopping = false;
  /** Resolvers of whatever waits (pauses, the active period); stop() calls them all. */
  private readonly waiters = new Set<() => void>();
  private published = 0;
  private messages = 0;
  private lastPosition = 0;
  /** The checkpoint as written to the database (lastPosition may be ahead of it). */
  private savedPosition = 0;
  private checkpointTimer?: NodeJS.Timeout;
  /** Where the batch the previous holder (or this one, before an error) began publishing ends. */
  private resumeTo = 0;

  constructor(private readonly opts: RelayOptions) {
    this.checkpointId = opts.prefix;
  }

  /** Connects to NATS, makes sure the streams exist, and starts contending for the lock. */
  async start(): Promise<void> {
    const auth = this.opts.auth ?? natsAuthFromEnv(process.env, 'NATS_RELAY_') ?? natsAuthFromEnv();
    this.nc = await connectNats(this.opts.servers, `relay:${this.opts.prefix}`, auth);
    void logStatus(this.nc, this.logger);
    await ensureStreams(await jetstreamManager(this.nc), this.opts.prefix);
    this.publisher = new AckPublisher(this.nc, this.opts.ackTimeoutMs ?? 5000);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.publisher?.abort(new Error('relay stopping'));
    for (const wake of this.waiters) wake();
    await this.loop;
    if (this.nc && !this.nc.isClosed()) await this.nc.drain();
  }

  stats(): RelayStats {
    return { published: this.published, messages: this.messages, lastPosition: this.lastPosition, active: !!this.lease && !this.lease.isLost };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let lease: RelayLease | undefined;
      try {
        lease = await RelayLease.tryAcquire(this.opts.dataSource, this.checkpointId);
      } catch (err) {
        this.logger.warn(`cannot contend for the relay lock: ${describeError(err)}`);
      }
      if (!lease) {
        await this.wait(CONTEND_EVERY_MS);
        continue;
      }
      this.lease = lease;
      try {
        await this.relayWhileHolding(lease);
      } catch (err) {
        this.logger.error(`relay stopped publishing: ${describeError(err)}`);
      } finally {
        this.lease = undefined;
        await lease.release();
      }
      if (this.stopping) break;
      this.logger.warn('relay lost its lock; contending again');
      await this.wait(YIELD_AFTER_LOSS_MS);
    }
  }

  private async relayWhileHolding(lease: RelayLease): Promise<void> {
    const { position: from, publishingTo } = await lease.readCheckpoint();
    this.lastPosition = from;
    this.savedPosition = from;
    this.resumeTo = publishingTo;
    this.logger.log(`relay active from position ${from}`);
    // Stop publishing the moment the lock session dies: fail the batch waiting for acks.
    void lease.lost.then(() => this.publisher!.abort(new Error('relay lost its lock')));
    const tail = this.opts.eventStore.tailSerialized(from, (events) => this.relayBatch(lease, events), {
      batchSize: this.opts.batchSize ?? 2000,
      pollMs: 250,
      onError: (err) => this.logger.warn(err.message),
    });
    // An idle relay notices a dead lock session too.
    const probe = setInterval(() => void lease.probe().catch(() => undefined), PROBE_EVERY_MS);
    try {
      await this.wait(undefined, lease.lost);
    } finally {
      clearInterval(probe);
      await tail.stop();
      clearTimeout(this.checkpointTimer);
      await this.saveCheckpoint(lease);
    }
  }

  /**
   * Publishes until every message is acked (retrying with backoff), then moves the checkpoint. A batch an
   * earlier holder had begun is re-published first with exactly its boundaries (same messages, same ids).
   */
  private async relayBatch(lease: RelayLease, events: SerializedEvent[]): Promise<void> {
    if (this.resumeTo > this.lastPosition) {
      const begun = events.filter((e) => e.position <= this.resumeTo);
      if (begun.length) await this.publishBatch(lease, begun);
      events = events.slice(begun.length);
    }
    if (events.length === 0) return;
    clearTimeout(this.checkpointTimer);
    const checkpoint = this.lastPosition;
    await lease.saveProgress(checkpoint, events[events.length - 1].position);
    this.savedPosition = Math.max(this.savedPosition, checkpoint);
    await this.publishBatch(lease, events);
  }

  /** Writes the checkpoint if it moved since it was last written (not once the lock is lost: a successor owns it). */
  private async saveCheckpoint(lease: RelayLease): Promise<void> {
    const checkpoint = this.lastPosition;
    if (checkpoint <= this.savedPosition || lease.isLost) return;
    try {
      await lease.saveCheckpoint(checkpoint);
      this.savedPosition = Math.max(this.savedPosition, checkpoint);
    } catch (err) {
      this.logger.warn(`relay checkpoint not saved (a successor re-publishes from the one before): ${describeError(err)}`);
    }
  }

  private async publishBatch(lease: RelayLease, events: SerializedEvent[]): Promise<void> {
    const s = subjects(this.opts.prefix);
    const messages = eventMessages(events, (type) => s.event(type), this.opts.groupLimits);
    for (let attempt = 1; ; attempt++) {
      if (lease.isLost || this.stopping) throw new Error('relay is no longer active');
      try {
        await this.publisher!.publish(messages);
        break;
      } catch (err) {
        if (lease.isLost || this.stopping) throw err;
        this.logger.warn(`publishing ${events.length} events failed (${describeError(err)}); retry ${attempt}`);
        await this.wait(Math.min(100 * 2 ** attempt, 5000));
      }
    }
    this.published += events.length;
    this.messages += messages.length;
    this.lastPosition = events[events.length - 1].position;
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => void this.saveCheckpoint(lease), CHECKPOINT_IDLE_MS);
  }

  /** Sleeps `ms` (forever if undefined) or until `until` settles or stop() is called. */
  private wait(ms: number | undefined, until?: Promise<void>): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(wake, ms);
      this.waiters.add(wake);
      void until?.then(wake);
    });
  }
}

import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { eventTypeOf, type RecordedEvent } from '@everynode/contracts';
import type { Logger } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { decodeEventMessage, EVENT_COUNT_HEADER } from '../relay/event-messages';
import { sleep } from '../nats-connection';
import { JetStreamContext } from './contexts';
import { describeError, publishDeadLetter } from './dead-letter';
import { endAfterExpiry } from './end-after-expiry';
import type { EventHandlerRef, EventHandlerRegistry } from './event-handlers';

export interface ConsumerStats {
  delivered: number;
  acked: number;
  naked: number;
  deadLettered: number;
}

export interface OrderedConsumerOptions {
  durable: string;
  deadLetterSubject: string;
  batchSize: number;
  maxDeliver: number;
  ackWaitMs: number;
  /** Called after a failed fetch, before the next: re-creates streams/consumer if they vanished. */
  recover: () => Promise<void>;
  /** Bytes received on the connection so far (see endAfterExpiry). */
  bytesIn?: () => number;
}

/** One message: the relay packs runs of events of one type into one (event-messages.ts). */
interface Entry {
  msg: JsMsg;
  /** Empty for a message of a type nobody here handles: it is acked unread. */
  events?: RecordedEvent[];
  /** Events the message carries. */
  count: number;
  parseError?: string;
}

/**
 * How long an idle pull request stays open (the server's minimum). It bounds how long close()
 * waits: a pull cannot be cancelled, and what the server sends for it must be received and
 * nak'ed, or it would sit unacked for a whole ack wait.
 */
const FETCH_EXPIRES_MS = 1000;

/**
 * 0.2 s, 0.8 s, 3.2 s, 12.8 s, then 30 s: a few seconds of Postgres trouble must not send the
 * events that arrive meanwhile to the dead-letter stream.
 */
const retryDelay = (attempt: number) => Math.min(200 * 4 ** (attempt - 1), 30_000);

/**
 * Pulls from one durable consumer and hands messages to the handlers strictly in stream order,
 * one handler call at a time; consecutive messages that only batch handlers want go in one call.
 * A message is acked after its handlers' promises/observables complete, so a crash redelivers it:
 * handlers must be idempotent (record processed event ids in the same Postgres transaction as
 * their effects). A failed message is nak'ed with a growing delay — it comes back after the
 * messages behind it — and after `maxDeliver` attempts it is copied to the dead-letter stream and
 * terminated, so one poison message never stops the stream.
 */
export class OrderedConsumer {
  readonly stats: ConsumerStats = { delivered: 0, acked: 0, naked: 0, deadLettered: 0 };
  private readonly buffer: Entry[] = [];
  private inFlight: Entry[] = [];
  private runStartedAt = 0;
  private stopping = false;
  private wakeProcessor = () => {};
  private wakeReader = () => {};
  private readonly loops: Promise<void>[] = [];
  private keepAlive?: NodeJS.Timeout;

  constructor(
    private readonly consumer: Consumer,
    private readonly js: JetStreamClient,
    private readonly handlers: EventHandlerRegistry,
    private readonly opts: OrderedConsumerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loops.push(this.readLoop(), this.processLoop());
    // A long batch must not let the server redeliver what we hold: extend the ack deadlines.
    this.keepAlive = setInterval(() => this.extendAckWait(), Math.max(1000, this.opts.ackWaitMs / 3));
  }

  /** Stops pulling, lets the in-flight handler call finish, and hands back what was not processed. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.keepAlive);
    this.wakeReader();
    this.wakeProcessor();
    await Promise.all(this.loops);
    // nak without delay: the next consumer instance gets them now rather than after ack_wait.
    try {
      for (const e of this.buffer.splice(0)) e.msg.nak();
    } catch (err) {
      this.logger.warn(`could not hand back unprocessed messages (${describeError(err)}); they return after ack_wait`);
    }
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      // Keep at most two batches pulled ahead: one being processed, one ready.
      if (this.buffer.length >= this.opts.batchSize) {
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
        continue;
      }
      try {
        const pulled = await this.consumer.fetch({ max_messages: this.opts.batchSize, expires: FETCH_EXPIRES_MS });
        const watchdog = endAfterExpiry(pulled, FETCH_EXPIRES_MS, undefined, this.opts.bytesIn);
        // Read to its end even when stopping: stop() hands back whatever arrives.
        try {
          for await (const msg of pulled) {
            watchdog.saw();
            this.buffer.push(this.parse(msg));
            this.wakeProcessor();
          }
        } finally {
          watchdog.cancel();
        }
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures++;
        this.logger.warn(`fetch from ${this.opts.durable} failed (${describeError(err)}); retrying`);
        await sleep(Math.min(200 * failures, 2000));
        await this.opts.recover().catch(() => undefined);
      }
    }
  }

  private async processLoop(): Promise<void> {
    while (!this.stopping) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => (this.wakeProcessor = resolve));
        continue;
      }
      try {
        await this.processNext();
      } catch (err) {
        // Only acking can throw here (connection closed); the message will be redelivered.
        this.logger.error(`processing ${this.opts.durable} failed: ${describeError(err)}`);
        await sleep(200);
      }
      if (this.buffer.length < this.opts.batchSize) this.wakeReader();
    }
  }

  /**
   * The subject names the type of every event in the message: a server without `filter_subjects` (before 2.10)
   * delivers every type, and what no handler wants is not worth parsing.
   */
  private parse(msg: JsMsg): Entry {
    const count = Number(msg.headers?.get(EVENT_COUNT_HEADER)) || 1;
    if (this.handlers.handlersFor(eventTypeOf(msg.subject)).length === 0) return { msg, events: [], count };
    try {
      const events = decodeEventMessage(msg.data);
      return { msg, events, count: events.length };
    } catch (err) {
      return { msg, count, parseError: describeError(err) };
    }
  }

  private async processNext(): Promise<void> {
    const head = this.buffer[0];
    if (!head.events) {
      this.buffer.shift();
      this.stats.delivered += head.count;
      return this.deadLetter(head, head.parseError ?? 'unparseable message');
    }
    const wanted = head.events.some((e) => this.handlersFor(e).length > 0);
    const run = wanted && this.batchOnly(head) ? this.takeBatchRun() : [this.buffer.shift()!];
    this.stats.delivered += count(run);
    return this.process(run);
  }

  private handlersFor(e: RecordedEvent): EventHandlerRef[] {
    return this.handlers.handlersFor(e.type);
  }

  /** Only batch handlers (or none) want the entry's events. */
  private batchOnly(e: Entry): boolean {
    return !!e.events && e.events.every((ev) => this.handlersFor(ev).every((h) => h.batch));
  }

  /** The longest run of consecutive buffered messages that only batch handlers (or none) want. */
  private takeBatchRun(): Entry[] {
    let n = 0;
    let events = 0;
    while (n < this.buffer.length && (n === 0 || events < this.opts.batchSize) && this.batchOnly(this.buffer[n])) {
      events += this.buffer[n].events!.length;
      n++;
    }
    return this.buffer.splice(0, n);
  }

  private async process(run: Entry[]): Promise<void> {
    try {
      await this.invoke(run, run.flatMap((e) => e.events!));
    } catch (err) {
      if (run.length === 1) return this.failed(run[0], err);
      // Find the culprit: replay the batch one message at a time (effects are idempotent).
      this.logger.warn(`batch of ${count(run)} failed (${describeError(err)}); retrying one message at a time`);
      for (const e of run) await this.process([e]);
      return;
    }
    for (const e of run) e.msg.ack();
    this.stats.acked += count(run);
  }

  /** Calls each handler method once with its share of the events (a single-event handler once per event), in stream order. */
  private async invoke(run: Entry[], events: RecordedEvent[]): Promise<void> {
    const calls = new Map<object, { ref: EventHandlerRef; events: RecordedEvent[] }>();
    for (const e of events) {
      for (const ref of this.handlersFor(e)) {
        const call = calls.get(ref.key) ?? { ref, events: [] };
        call.events.push(e);
        calls.set(ref.key, call);
      }
    }
    const ctx = contextOf(run[run.length - 1].msg);
    this.inFlight = run;
    this.runStartedAt = Date.now();
    try {
      for (const { ref, events: mine } of calls.values()) {
        for (const arg of ref.batch ? [mine] : mine) {
          const result = await ref.fn(arg, ctx);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        }
      }
    } finally {
      this.inFlight = [];
    }
  }

  private async failed(e: Entry, err: unknown): Promise<void> {
    const attempt = e.msg.info.deliveryCount;
    this.logger.error(
      `handler failed for ${e.msg.subject} seq ${e.msg.seq} (attempt ${attempt}/${this.opts.maxDeliver}): ${describeError(err)}`,
    );
    if (attempt < this.opts.maxDeliver) {
      e.msg.nak(retryDelay(attempt));
      this.stats.naked++;
      return;
    }
    if (e.events!.length === 1) return this.deadLetter(e, describeError(err));
    return this.isolate(e);
  }

  /**
   * The last attempt of a message of several events: each event alone, and only those that still fail go to the
   * dead-letter stream (one message each), so a poison event never takes its neighbours with it.
   */
  private async isolate(e: Entry): Promise<void> {
    const poisoned: { event: RecordedEvent; error: string }[] = [];
    for (const event of e.events!) {
      try {
        await this.invoke([e], [event]);
      } catch (err) {
        poisoned.push({ event, error: describeError(err) });
      }
    }
    try {
      for (const p of poisoned) await publishDeadLetter(this.js, this.opts.deadLetterSubject, this.opts.durable, e.msg, p.error, p.event);
    } catch (err) {
      this.logger.error(`dead-lettering from seq ${e.msg.seq} failed (${describeError(err)}); will retry`);
      e.msg.nak(retryDelay(this.opts.maxDeliver));
      this.stats.naked++;
      return;
    }
    e.msg.ack();
    this.stats.acked += e.events!.length - poisoned.length;
    this.stats.deadLettered += poisoned.length;
    for (const p of poisoned) {
      this.logger.error(`dead-lettered event ${p.event.position} (${p.event.type}) of seq ${e.msg.seq} to ${this.opts.deadLetterSubject}: ${p.error}`);
    }
  }

  private async deadLetter(e: Entry, error: string): Promise<void> {
    try {
      await publishDeadLetter(this.js, this.opts.deadLetterSubject, this.opts.durable, e.msg, error);
    } catch (err) {
      this.logger.error(`dead-lettering seq ${e.msg.seq} failed (${describeError(err)}); will retry`);
      e.msg.nak(retryDelay(this.opts.maxDeliver));
      this.stats.naked++;
      return;
    }
    e.msg.term();
    this.stats.deadLettered++;
    this.logger.error(`dead-lettered ${e.msg.subject} seq ${e.msg.seq} to ${this.opts.deadLetterSubject}: ${error}`);
  }

  private extendAckWait(): void {
    if (this.inFlight.length === 0 || Date.now() - this.runStartedAt < this.opts.ackWaitMs / 3) return;
    try {
      for (const e of [...this.inFlight, ...this.buffer]) e.msg.working();
    } catch (err) {
      this.logger.warn(`could not extend ack deadlines: ${describeError(err)}`);
    }
  }
}

const count = (run: Entry[]) => run.reduce((n, e) => n + e.count, 0);

function contextOf(msg: JsMsg): JetStreamContext {
  return new JetStreamContext([msg.subject, msg.info.deliveryCount, msg.seq, msg.headers]);
}

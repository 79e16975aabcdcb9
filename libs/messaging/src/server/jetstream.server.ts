import { subjects } from '@everynode/contracts';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { connectNats, decodeJson, encodeJson, logStatus } from '../nats-connection';
import { ensureDurable, ensureStreams } from '../topology';
import { CommandContext } from './contexts';
import { describeError } from './dead-letter';
import { ALL_EVENTS, EventHandlerRegistry } from './event-handlers';
import { OrderedConsumer } from './ordered-consumer';

export interface JetStreamServerOptions {
  servers: string;
  /** Subject prefix shared by every service of one stack (see `subjects()`). */
  prefix: string;
  /** The service name: the durable consumer's name and the command queue group. */
  durable: string;
  maxDeliver?: number;
  ackWaitMs?: number;
  batchSize?: number;
  /** Where a newly created durable starts; an existing durable keeps its position. */
  deliverPolicy?: 'all' | 'new';
}

export interface JetStreamServerStats {
  delivered: number;
  acked: number;
  naked: number;
  deadLettered: number;
  commandsServed: number;
}

/** Wire format of commands (core NATS request/reply). */
export interface CommandRequest<T = unknown> {
  data: T;
  headers?: Record<string, string>;
}
export type CommandReply<T = unknown> = { response: T } | { err: unknown };

/**
 * Nest transport: events from one durable JetStream pull consumer (`@EventPattern('NodeJoined')`,
 * `'*'` for all, `{ batch: true }` for arrays), commands over core NATS request/reply with the
 * service name as queue group (`@MessagePattern('node.join')`).
 *
 * Delivery is at-least-once: an event handler must be idempotent — commit its effects together
 * with the ids of the events it processed, in one Postgres transaction (DESIGN.md rule 5).
 * Replicas share the durable, so events are in order per process, not across replicas.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly opts: Required<JetStreamServerOptions>;
  private readonly events = new EventHandlerRegistry();
  private nc?: NatsConnection;
  private consumer?: OrderedConsumer;
  private commandsServed = 0;
  private readonly commandSubs: Subscription[] = [];
  private readonly commandsInFlight = new Set<Promise<void>>();
  protected override readonly logger = new Logger(JetStreamServer.name);
  // Event handler failures reach us (we await them) and are logged here, with the message.
  override readonly propagatesEventHandlerErrors = true;

  constructor(options: JetStreamServerOptions) {
    super();
    this.opts = { maxDeliver: 5, ackWaitMs: 30_000, batchSize: 256, deliverPolicy: 'all', ...options };
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, any> = {}) {
    if (!isEventHandler) return super.addHandler(pattern, callback, isEventHandler, extras);
    // Not chained via `next` like the base class does: each handler may be batch or not.
    this.events.add(this.normalizePattern(pattern as string), callback, extras);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.nc = await connectNats(this.opts.servers, this.opts.durable);
      void logStatus(this.nc, this.logger);
      this._status$.next('connected');
      const jsm = await jetstreamManager(this.nc);
      await this.ensureTopology(jsm);
      this.subscribeCommands(this.nc);
      if (!this.events.isEmpty) await this.startConsumer(jsm);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Lets the in-flight event handler call and commands finish, then closes the connection. */
  async close(): Promise<void> {
    await this.consumer?.stop();
    await Promise.all(this.commandSubs.splice(0).map((sub) => sub.drain()));
    await Promise.all(this.commandsInFlight);
    if (this.nc && !this.nc.isClosed()) await this.nc.drain();
    this.nc = undefined;
    this._status$.next('closed');
  }

  stats(): JetStreamServerStats {
    const c = this.consumer?.stats ?? { delivered: 0, acked: 0, naked: 0, deadLettered: 0 };
    return { ...c, commandsServed: this.commandsServed };
  }

  on(): never {
    throw new Error('JetStreamServer has no events to listen to; use `status`');
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamServer is not listening');
    return this.nc as T;
  }

  private async ensureTopology(jsm: JetStreamManager): Promise<void> {
    await ensureStreams(jsm, this.opts.prefix);
    if (this.events.isEmpty) return;
    const s = subjects(this.opts.prefix);
    const types = this.events.types;
    await ensureDurable(
      jsm,
      {
        stream: s.eventsStream,
        durable: this.opts.durable,
        filterSubjects: types.includes(ALL_EVENTS) ? [s.eventsWildcard] : types.map((t) => s.event(t)),
        eventsWildcard: s.eventsWildcard,
        deliverPolicy: this.opts.deliverPolicy,
        ackWaitMs: this.opts.ackWaitMs,
        // Bounds what the server hands out unacked: our two pulled batches and some slack.
        maxAckPending: this.opts.batchSize * 4,
      },
      this.nc!.info?.version ?? '0.0.0',
    );
  }

  private async startConsumer(jsm: JetStreamManager): Promise<void> {
    const s = subjects(this.opts.prefix);
    const js = jetstream(this.nc!);
    const consumer = await js.consumers.get(s.eventsStream, this.opts.durable);
    this.consumer = new OrderedConsumer(
      consumer,
      js,
      this.events,
      {
        durable: this.opts.durable,
        deadLetterSubject: s.deadLetter(this.opts.durable),
        batchSize: this.opts.batchSize,
        maxDeliver: this.opts.maxDeliver,
        ackWaitMs: this.opts.ackWaitMs,
        recover: () => this.ensureTopology(jsm),
        bytesIn: () => this.nc?.stats().inBytes ?? 0,
      },
      this.logger,
    );
    this.consumer.start();
  }

  private subscribeCommands(nc: NatsConnection): void {
    const s = subjects(this.opts.prefix);
    for (const [pattern, handler] of this.messageHandlers) {
      const sub = nc.subscribe(s.command(pattern), {
        queue: this.opts.durable,
        callback: (err, msg) => {
          if (err) return this.logger.error(`command subscription ${pattern}: ${err.message}`);
          const serving = this.serveCommand(handler, msg).finally(() => this.commandsInFlight.delete(serving));
          this.commandsInFlight.add(serving);
        },
      });
      this.commandSubs.push(sub);
    }
  }

  private async serveCommand(handler: MessageHandler, msg: Msg): Promise<void> {
    let reply: CommandReply;
    try {
      const req = decodeJson<CommandRequest>(msg.data);
      const out = await handler(req.data, new CommandContext([msg.subject, req.headers ?? {}]));
      reply = { response: await lastValueFrom(this.transformToObservable(out), { defaultValue: undefined }) };
    } catch (err) {
      // Nest's exception filter already turned a thrown error into an RPC error object
      // (an RpcException's `getError()`, e.g. a Kubernetes Status, travels as-is).
      reply = { err: err instanceof Error ? { message: err.message } : err };
    }
    this.commandsServed++;
    if (!msg.reply) return;
    try {
      msg.respond(encodeJson(reply));
    } catch (err) {
      this.logger.error(`cannot reply to ${msg.subject}: ${describeError(err)}`);
    }
  }
}

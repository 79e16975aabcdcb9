import { subjects } from '@everynode/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { connectNats, decodeJson, encodeJson, type NatsAuth } from '../nats-connection';
import type { CommandReply, CommandRequest } from '../server/jetstream.server';

export interface JetStreamClientOptions {
  servers: string;
  prefix: string;
  timeoutMs?: number;
  /** Default: the environment's (NATS_USER …, see natsAuthFromEnv). */
  auth?: NatsAuth;
}

/**
 * Sends commands to services over core NATS request/reply. A handler's error arrives as the
 * observable's error exactly as the service sent it (e.g. a Kubernetes Status object).
 */
export class JetStreamClient extends ClientProxy {
  private connection?: Promise<NatsConnection>;
  private nc?: NatsConnection;
  private readonly timeoutMs: number;

  constructor(private readonly options: JetStreamClientOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  connect(): Promise<NatsConnection> {
    this.connection ??= connectNats(this.options.servers, `client:${this.options.prefix}`, this.options.auth).then((nc) => (this.nc = nc));
    return this.connection;
  }

  async close(): Promise<void> {
    const nc = await this.connection;
    this.connection = undefined;
    this.nc = undefined;
    if (nc && !nc.isClosed()) await nc.drain();
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamClient is not connected');
    return this.nc as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let cancelled = false;
    const body: CommandRequest = { data: packet.data, headers: packet.metadata };
    const subject = subjects(this.options.prefix).command(this.normalizePattern(packet.pattern));
    this.connect()
      .then((nc) => nc.request(subject, encodeJson(body), { timeout: this.timeoutMs }))
      .then(
        (msg) => {
          if (cancelled) return;
          const reply = decodeJson<CommandReply>(msg.data);
          callback('err' in reply ? { err: reply.err, isDisposed: true } : { response: reply.response, isDisposed: true });
        },
        (err) => !cancelled && callback({ err, isDisposed: true }),
      );
    return () => {
      cancelled = true;
    };
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    throw new Error(
      `JetStreamClient cannot emit "${String(packet.pattern)}": events are appended to the event log ` +
        'and published to JetStream by the relay only',
    );
  }
}

/** `client.send()` as a promise; resolves `undefined` when the handler returned nothing. */
export function request<T>(client: ClientProxy, pattern: string, data: unknown): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, data), { defaultValue: undefined as T });
}

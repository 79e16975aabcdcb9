import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { subjects, type RecordedEvent } from '@everynode/contracts';
import { serializeEvent } from './events';
import { decodeEventMessage, eventMessages, messageHeaders } from '@everynode/messaging';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A subject prefix no other spec (or rerun) uses. */
export const testPrefix = (label: string) => `t${label}${randomBytes(4).toString('hex')}`;

export async function deleteStreams(servers: string, prefix: string): Promise<void> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const s = subjects(prefix);
    for (const name of [s.eventsStream, s.deadLetterStream]) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Publishes events straight into JetStream (as the relay would), `chunk` in flight at a time. */
export async function publishEvents(nc: NatsConnection, prefix: string, events: RecordedEvent[], chunk = 256) {
  const js = jetstream(nc);
  const s = subjects(prefix);
  for (let i = 0; i < events.length; i += chunk) {
    await Promise.all(
      events.slice(i, i + chunk).map((e) => js.publish(s.event(e.type), JSON.stringify(e), { msgID: e.eventId })),
    );
  }
}

/** Publishes events packed as the relay packs them (runs of one type, at most `maxEvents` per message). */
export async function publishPacked(nc: NatsConnection, prefix: string, events: RecordedEvent[], maxEvents: number) {
  const js = jetstream(nc);
  const s = subjects(prefix);
  const messages = eventMessages(events.map(serializeEvent), (type) => s.event(type), { maxEvents, maxBytes: 256 * 1024 });
  await Promise.all(messages.map((m) => js.publish(m.subject, m.data, { headers: messageHeaders(m) })));
  return messages;
}

export async function streamMessages(nc: NatsConnection, stream: string): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  return info.state.messages;
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const NATS_SERVER_BIN =
  process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

/** A private `nats-server -js` on a free port with its own store, to kill and restart in a test. */
export class PrivateNats {
  private proc?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort(), mkdtempSync(join(tmpdir(), 'everynode-nats-')));
    await nats.restart();
    return nats;
  }

  async restart(): Promise<void> {
    this.proc = spawn(NATS_SERVER_BIN, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { stdio: 'ignore' });
    await waitFor('nats-server to listen', () => canConnect(this.port), 10_000);
  }

  /** SIGKILL: no clean shutdown, no flush. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Every message of a stream, in stream order (ordered consumer), with the events it carries. */
export async function readStream(nc: NatsConnection, stream: string): Promise<{ seq: number; msgId: string; events: RecordedEvent[] }[]> {
  const total = await streamMessages(nc, stream);
  const out: { seq: number; msgId: string; events: RecordedEvent[] }[] = [];
  if (total === 0) return out;
  const messages = await (await jetstream(nc).consumers.get(stream)).consume();
  for await (const m of messages) {
    out.push({ seq: m.seq, msgId: m.headers?.get('Nats-Msg-Id') ?? '', events: decodeEventMessage(m.data) });
    if (out.length === total) break;
  }
  await messages.close();
  return out;
}

/** Every event of the stream, in order. */
export async function streamEvents(nc: NatsConnection, stream: string): Promise<RecordedEvent[]> {
  return (await readStream(nc, stream)).flatMap((m) => m.events);
}

/** The position of the last event in the stream (0 when empty): everything up to it was published. */
export async function lastPublishedPosition(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  if (state.messages === 0) return 0;
  const last = decodeEventMessage((await jsm.streams.getMessage(stream, { seq: state.last_seq }))!.data);
  return last[last.length - 1].position;
}

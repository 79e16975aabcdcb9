// Runs the real services as separate processes (the built dist/apps/*/main.js) against a private database
// and a private NATS subject prefix, so every e2e spec file has its own cluster.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { subjects } from '@everynode/contracts';
import { JetStreamClient, type NatsAuth, request } from '@everynode/messaging';
import { createTestDatabase, TestDatabase } from '@everynode/platform';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ROOT = resolve(__dirname, '..', '..');

export type ServiceName = 'node-registry' | 'daemonset-spec' | 'scheduler' | 'node-agent' | 'api-gateway';
const PORT_VAR: Record<ServiceName, string> = {
  'node-registry': 'NODE_REGISTRY_PORT',
  'daemonset-spec': 'DAEMONSET_SPEC_PORT',
  scheduler: 'SCHEDULER_PORT',
  'node-agent': 'NODE_AGENT_PORT',
  'api-gateway': 'API_GATEWAY_PORT',
};
/** The api-gateway's variables naming each service's HTTP address. */
const SERVICE_URL_VARS: Record<string, string> = {
  'node-registry': 'NODE_REGISTRY_URL',
  'daemonset-spec': 'DAEMONSET_SPEC_URL',
  scheduler: 'SCHEDULER_URL',
};

/** Other servers than DATABASE_URL / NATS_URL: `databaseUrl` names the server (any database on it). */
export interface StackServers {
  databaseUrl?: string;
  natsUrl?: string;
  /** The stack's own NATS client's credentials (a server with users, test/security); services get theirs by env. */
  natsAuth?: NatsAuth;
}

/** Services that serve HTTPS (their /readyz is probed without verifying the self-signed certificate). */
const HTTPS_SERVICES = new Set<ServiceName>(['api-gateway']);

/** Status code of GET https://127.0.0.1:<port><path>, or null when nothing answers. */
function httpsStatus(port: number, path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Ports this process handed out: the OS may give a just-closed ephemeral port again (seen: a gateway's HTTP and gRPC ports equal). */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => res(port));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message ?? JSON.stringify(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class Stack {
  /** By instance: the service's name, or the name given to another process of it (e.g. a second node agent). */
  readonly processes = new Map<string, ChildProcess>();
  readonly ports = new Map<string, number>();
  readonly logDir: string;
  /** EVERYNODE_HOME of the api-gateway: its CA, tokens.json and kubeconfig. */
  readonly gatewayHome: string;
  client!: JetStreamClient;

  private constructor(
    readonly db: TestDatabase,
    readonly prefix: string,
    private readonly env: Record<string, string>,
    /** The NATS server the services use: NATS_URL, or a private one (see StackServers). */
    readonly natsUrl: string = NATS_URL,
  ) {
    this.logDir = join(tmpdir(), `everynode-e2e-${prefix}`);
    mkdirSync(this.logDir, { recursive: true });
    this.gatewayHome = join(this.logDir, 'home');
  }

  /** `servers`: run against other PostgreSQL / NATS servers than DATABASE_URL / NATS_URL (the fault tests' private ones). */
  static async create(label: string, env: Record<string, string> = {}, servers: StackServers = {}): Promise<Stack> {
    for (const app of ['node-registry', 'daemonset-spec', 'scheduler']) {
      if (!existsSync(join(ROOT, 'dist', 'apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js missing: run npm run build`);
    }
    const db = await createTestDatabase(label, servers.databaseUrl);
    const stack = new Stack(db, `e2e${randomBytes(4).toString('hex')}`, env, servers.natsUrl);
    // Known before any process starts, so the gateway can be told where the services listen (SERVICE_URL_VARS).
    for (const service of Object.keys(SERVICE_URL_VARS)) stack.ports.set(service, await freePort());
    stack.client = new JetStreamClient({ servers: stack.natsUrl, prefix: stack.prefix, timeoutMs: 15_000, auth: servers.natsAuth });
    await stack.client.connect();
    return stack;
  }

  async start(service: ServiceName, extraEnv: Record<string, string> = {}, instance: string = service, nodeArgs: string[] = []): Promise<void> {
    const port = this.ports.get(instance) ?? (await freePort());
    this.ports.set(instance, port);
    if (service === 'api-gateway' && !this.ports.has(`${instance}-grpc`)) this.ports.set(`${instance}-grpc`, await freePort());
    const log = createWriteStream(join(this.logDir, `${instance}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'apps', service, 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: this.db.url,
        NATS_URL: this.natsUrl,
        NATS_PREFIX: this.prefix,
        [PORT_VAR[service]]: String(port),
        RESYNC_INTERVAL_MS: '2000',
        POD_RELIST_INTERVAL_MS: '2000',
        LOG_LEVEL: 'log',
        ...(service === 'api-gateway' ? { EVERYNODE_HOME: this.gatewayHome, GRPC_PORT: String(this.ports.get(`${instance}-grpc`)), ...this.serviceUrls() } : {}),
        ...this.env,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.processes.set(instance, child);
    await waitFor(`${instance} /readyz (logs: ${this.logDir})`, async () => {
      if (child.exitCode !== null) throw new Error(`${instance} exited with ${child.exitCode}; see ${this.logDir}/${instance}.log`);
      if (HTTPS_SERVICES.has(service)) return (await httpsStatus(port, '/readyz')) === 200;
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      return res?.status === 200;
    }, 30_000, 200);
  }

  /** The value of one unlabelled series (`everynode_…`) of a service's /metrics, null when absent. */
  async metric(instance: string, series: string): Promise<number | null> {
    const text = await fetch(`http://127.0.0.1:${this.ports.get(instance)}/metrics`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.text())
      .catch(() => '');
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : null;
  }

  async startAll(): Promise<void> {
    await Promise.all((['node-registry', 'daemonset-spec', 'scheduler'] as const).map((s) => this.start(s)));
  }

  /** SIGKILL: no shutdown hooks, nothing flushed — the crash case. */
  async kill(instance: string): Promise<void> {
    const child = this.processes.get(instance);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.processes.delete(instance);
  }

  /**
   * SIGTERM, the graceful stop: resolves with how the process ended and how long it took; after
   * `timeoutMs` it is SIGKILLed (and `killed` says so).
   */
  async terminate(instance: string, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }> {
    const child = this.processes.get(instance);
    if (!child || child.exitCode !== null) throw new Error(`${instance} is not running`);
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const end = await exited;
    clearTimeout(timer);
    this.processes.delete(instance);
    return { ...end, ms: Date.now() - started, killed };
  }

  /** Where the api-gateway reaches each service over HTTP (its command fallback when NATS is away). */
  private serviceUrls(): Record<string, string> {
    return Object.fromEntries(Object.entries(SERVICE_URL_VARS).map(([service, name]) => [name, `http://127.0.0.1:${this.ports.get(service)}`]));
  }

  send<T>(pattern: string, data: unknown): Promise<T> {
    return request<T>(this.client, pattern, data);
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((s) => this.kill(s)));
    await this.client?.close().catch(() => undefined);
    try {
      const nc = await connect({ servers: this.natsUrl, timeout: 5000 });
      const jsm = await jetstreamManager(nc);
      const s = subjects(this.prefix);
      for (const stream of [s.eventsStream, s.deadLetterStream]) await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    } finally {
      await this.db.drop();
    }
  }
}

export const meta = (request = 'test') => ({ actor: 'admin', requestId: randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'), request });

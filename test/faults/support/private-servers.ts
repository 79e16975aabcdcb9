// Private PostgreSQL and nats-server processes for the fault tests: each spec starts its own on free ports with
// their own data directories, so it may crash (SIGKILL), stop and restart them without touching anyone else.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, waitFor } from '../../support/stack';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** Every server still running when the test process exits is killed with it (no orphans after a crash). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Children run in their own process group: signalling it reaches postgres' backends too. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function signalAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals, group: boolean, timeoutMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (group) killGroup(child, signal);
  else child.kill(signal);
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function osUser(name: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', name]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', name]).toString().trim()),
  };
}

/**
 * A PostgreSQL 15 cluster of its own (initdb into a temp dir, trust auth, superuser `postgres`), run as
 * the `postgres` OS user: the server refuses to run as root.
 */
export class PrivatePostgres {
  private proc?: ChildProcess;
  private readonly user = osUser('postgres');

  private constructor(
    readonly port: number,
    private readonly baseDir: string,
  ) {}

  /** The server's `postgres` database: Stack/createTestDatabase derive their own database from it. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.baseDir, 'data');
  }

  static async start(): Promise<PrivatePostgres> {
    const base = mkdtempSync(join(tmpdir(), 'everynode-pg-'));
    const pg = new PrivatePostgres(await freePort(), base);
    chownSync(base, pg.user.uid, pg.user.gid);
    execFileSync(`${PG_BIN}/initdb`, ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], {
      ...pg.user,
      cwd: base,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
    });
    await pg.restart();
    return pg;
  }

  /** Starts the server on the same data directory and port; resolves once it accepts queries. */
  async restart(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) throw new Error('postgres is already running');
    const args = ['-D', this.dataDir, '-p', String(this.port), '-k', this.baseDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'];
    const proc = spawn(`${PG_BIN}/postgres`, args, { ...this.user, cwd: this.baseDir, detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', LANG: 'C' } });
    this.proc = proc;
    running.add(proc);
    await waitFor(`private postgres on port ${this.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode}`);
      const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 30_000, 100);
  }

  /** The crash: SIGKILL to the postmaster and every backend at once; the next start runs crash recovery. */
  kill(): Promise<void> {
    return signalAndWait(this.proc, 'SIGKILL', true);
  }

  /** A fast shutdown (SIGINT): open transactions roll back, the server checkpoints and exits. */
  stop(): Promise<void> {
    return signalAndWait(this.proc, 'SIGINT', false);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.baseDir, { recursive: true, force: true });
  }
}

/** A `nats-server -js` of its own, with its own JetStream store (kept across restarts). */
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
    const proc = spawn(NATS_SERVER_BIN, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { detached: true, stdio: 'ignore' });
    this.proc = proc;
    running.add(proc);
    await waitFor(`private nats-server on port ${this.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}`);
      return listening(this.port);
    }, 15_000, 50);
  }

  /** SIGKILL: no clean shutdown, nothing flushed. */
  kill(): Promise<void> {
    return signalAndWait(this.proc, 'SIGKILL', true);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Both servers of one fault test. */
export class PrivateServers {
  private constructor(
    readonly postgres: PrivatePostgres,
    readonly nats: PrivateNats,
  ) {}

  static async start(): Promise<PrivateServers> {
    const [postgres, nats] = await Promise.all([PrivatePostgres.start(), PrivateNats.start()]);
    return new PrivateServers(postgres, nats);
  }

  /** What `Stack.create` takes to run a stack against these servers. */
  get urls(): { databaseUrl: string; natsUrl: string } {
    return { databaseUrl: this.postgres.url, natsUrl: this.nats.url };
  }

  async destroy(): Promise<void> {
    await Promise.all([this.postgres.destroy(), this.nats.destroy()]);
  }
}

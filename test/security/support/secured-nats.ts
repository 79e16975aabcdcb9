// A private nats-server running config/nats/everynode.conf as production would: a user per service with
// its subject permissions, passwords from the environment (random here), a free port and a temp store.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsAuth } from '@everynode/messaging';
import { freePort, waitFor } from '../../support/stack';

export const NATS_CONF = join(__dirname, '..', '..', '..', 'config', 'nats', 'everynode.conf');
const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** The users of everynode.conf and the variable holding each one's password. */
export const NATS_USERS = {
  'node-registry': 'EVERYNODE_NATS_NODE_REGISTRY_PASSWORD',
  'daemonset-spec': 'EVERYNODE_NATS_DAEMONSET_SPEC_PASSWORD',
  scheduler: 'EVERYNODE_NATS_SCHEDULER_PASSWORD',
  'node-agent-1': 'EVERYNODE_NATS_NODE_AGENT_PASSWORD',
  'api-gateway': 'EVERYNODE_NATS_API_GATEWAY_PASSWORD',
  relay: 'EVERYNODE_NATS_RELAY_PASSWORD',
  cli: 'EVERYNODE_NATS_CLI_PASSWORD',
} as const;
export type NatsUser = keyof typeof NATS_USERS;

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export class SecuredNats {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    private readonly storeDir: string,
    private readonly passwords: Record<NatsUser, string>,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SecuredNats> {
    const port = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'everynode-secured-nats-'));
    // nats-server parses an env-var value as a config value: one starting with a digit ("6e…") is read as a number and
    // fails, so every password starts with a letter (see config/nats/everynode.conf for production).
    const passwords = Object.fromEntries(Object.keys(NATS_USERS).map((u) => [u, `p${randomBytes(12).toString('hex')}`])) as Record<NatsUser, string>;
    const env = {
      PATH: process.env.PATH ?? '',
      EVERYNODE_NATS_STORE_DIR: storeDir,
      ...Object.fromEntries(Object.entries(NATS_USERS).map(([user, variable]) => [variable, passwords[user as NatsUser]])),
    };
    // Flags override the file's listen address and port only.
    const proc = spawn(NATS_SERVER_BIN, ['-c', NATS_CONF, '-a', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr += d));
    await waitFor(`nats-server with ${NATS_CONF}`, async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}: ${stderr}`);
      return listening(port);
    }, 15_000, 50);
    return new SecuredNats(proc, port, storeDir, passwords);
  }

  auth(user: NatsUser): NatsAuth {
    return { user, pass: this.passwords[user] };
  }

  /** What a service process of `user` gets: NATS_URL, NATS_USER, NATS_PASSWORD. */
  env(user: NatsUser): Record<string, string> {
    return { NATS_URL: this.url, NATS_USER: user, NATS_PASSWORD: this.passwords[user] };
  }

  async destroy(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

// A private cluster (the three services and the api-gateway as processes, own database and NATS prefix)
// plus what tests need to talk to it as users do: the real kubectl with a kubeconfig and cache of
// this file's own, and HTTPS requests verified with the cluster's CA.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS } from '@everynode/contracts';
import { meta, Stack } from '../../support/stack';

export const KUBECTL = '/usr/bin/kubectl';
export const ROOT = resolve(__dirname, '..', '..', '..');
export const LIBERATOR = join(ROOT, 'examples', 'liberator.yaml');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class GatewayTestbed {
  /** A directory of this test file's own: kubeconfig copies, kubectl's cache, HOME. */
  readonly dir = mkdtempSync(join(tmpdir(), 'everynode-gw-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  private readonly watchers = new Set<ChildProcess>();

  private constructor(readonly stack: Stack) {}

  static async start(label: string, gatewayEnv: Record<string, string> = {}): Promise<GatewayTestbed> {
    if (!existsSync(join(ROOT, 'dist', 'apps', 'api-gateway', 'main.js'))) throw new Error('dist/apps/api-gateway/main.js missing: run npm run build');
    const stack = await Stack.create(label);
    const bed = new GatewayTestbed(stack);
    try {
      await Promise.all([stack.startAll(), stack.start('api-gateway', gatewayEnv)]);
    } catch (error) {
      await bed.teardown();
      throw error;
    }
    copyFileSync(join(stack.gatewayHome, 'kubeconfig'), bed.kubeconfig);
    return bed;
  }

  get port(): number {
    return this.stack.ports.get('api-gateway')!;
  }

  get caPem(): string {
    return readFileSync(join(this.stack.gatewayHome, 'ca.crt'), 'utf8');
  }

  /** The admin token from the generated kubeconfig. */
  get adminToken(): string {
    return (parse(readFileSync(this.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0].user.token;
  }

  /** Registers a node as a kubelet would (through the node registry, not the API). */
  join(name: string, labels?: Record<string, string>): Promise<unknown> {
    return this.stack.send(COMMANDS.nodeJoin, { meta: meta(), name, labels, addresses: [{ type: 'InternalIP', address: `10.0.0.${Math.floor(Math.random() * 200) + 2}` }] });
  }

  /** The real kubectl, bounded in time; never throws for a non-zero exit. */
  kubectl(args: string[], opts: { kubeconfig?: string; input?: string; timeoutMs?: number } = {}): Promise<Run> {
    return new Promise((done) => {
      const child = execFile(
        KUBECTL,
        ['--kubeconfig', opts.kubeconfig ?? this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...args],
        { timeout: opts.timeoutMs ?? 20_000, env: { PATH: process.env.PATH ?? '', HOME: this.dir }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  }

  /** kubectl that must succeed: its stdout. */
  async ok(args: string[], opts: { kubeconfig?: string; input?: string } = {}): Promise<string> {
    const run = await this.kubectl(args, opts);
    if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run.stdout;
  }

  /** A long-running kubectl (e.g. `get -w`): its output so far, and a way to stop it. */
  watch(args: string[]): { output: () => string; stop: () => Promise<Run> } {
    const child = spawn(KUBECTL, ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.watchers.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    return {
      output: () => stdout,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const code = await exited;
        clearTimeout(deadline);
        this.watchers.delete(child);
        return { code, stdout, stderr };
      },
    };
  }

  /** A request to the gateway over HTTPS, verified with the cluster's CA. */
  request(method: string, path: string, opts: { token?: string | null; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const token = opts.token === undefined ? this.adminToken : opts.token;
    return new Promise((resolvePromise, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          ca: this.caPem,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            // node sends a DELETE body neither chunked nor sized unless told its length
            ...(opts.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}),
            ...(opts.headers ?? {}),
          },
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolvePromise({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(opts.body);
    });
  }

  async teardown(): Promise<void> {
    for (const child of this.watchers) child.kill('SIGKILL');
    await this.stack.teardown();
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.stack.gatewayHome, { recursive: true, force: true }); // keys and tokens; the logs stay for a post-mortem
  }
}

/** Reads until `done` holds (e.g. the scheduler placed the pods), returning the last output. */
export async function waitForOutput(read: () => Promise<string>, done: (out: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await read();
    if (done(out)) return out;
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

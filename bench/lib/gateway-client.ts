// The api-gateway as kubectl sees it: HTTPS verified with the cluster's CA, the admin token from the
// kubeconfig the gateway wrote into its EVERYNODE_HOME.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Answer {
  status: number;
  bytes: number;
  body: Buffer;
  ms: number;
}

export interface Watch {
  /** Watch events received so far (one JSON object per line). */
  readonly events: number;
  /** performance.now() of the last event, 0 before the first. */
  readonly lastAt: number;
  /** Resolves when the response headers arrived: the watch is established. */
  readonly established: Promise<void>;
  stop(): void;
}

export class GatewayClient {
  private readonly ca: string;
  private readonly token: string;
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    home: string,
  ) {
    this.ca = readFileSync(join(home, 'ca.crt'), 'utf8');
    this.token = (parse(readFileSync(join(home, 'kubeconfig'), 'utf8')) as { users: { user: { token: string } }[] }).users[0].user.token;
    this.agent = new Agent({ keepAlive: true, maxSockets: Infinity, ca: this.ca });
  }

  /**
   * A GET, timed from request to the last byte. A kept-alive socket the server closed meanwhile (its
   * keepAliveTimeout passed while this process was busy, e.g. parsing a 90 MiB answer) fails at once
   * with ECONNRESET: then the GET is sent again on a new socket, as Node's documentation advises.
   */
  async get(path: string, headers: Record<string, string> = {}, timeoutMs = 120_000): Promise<Answer> {
    try {
      return await this.getOnce(path, headers, timeoutMs);
    } catch (error) {
      if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
      return this.getOnce(path, headers, timeoutMs);
    }
  }

  private getOnce(path: string, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, agent: this.agent, headers: { Authorization: `Bearer ${this.token}`, ...headers }, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, bytes: body.length, body, ms: performance.now() - t0 });
        });
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && error.code === 'ECONNRESET';
        reject(stale ? Object.assign(error, { reusedSocket: true }) : error);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
      req.end();
    });
  }

  /** A watch stream; counts its events without parsing them (newline-delimited JSON). */
  watch(path: string, onError: (e: Error) => void): Watch {
    let events = 0;
    let lastAt = 0;
    let established!: () => void;
    const ready = new Promise<void>((r) => (established = r));
    const req = request({ host: '127.0.0.1', port: this.port, path, agent: this.agent, headers: { Authorization: `Bearer ${this.token}` } }, (res) => {
      if (res.statusCode !== 200) onError(new Error(`watch ${path}: HTTP ${res.statusCode}`));
      established();
      res.on('data', (c: Buffer) => {
        for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) events++;
        lastAt = performance.now();
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => {
      if (!stopped) onError(e);
    });
    req.end();
    let stopped = false;
    return {
      get events() {
        return events;
      },
      get lastAt() {
        return lastAt;
      },
      established: ready,
      stop() {
        stopped = true;
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

// HTTPS to the gateway over kept-alive connections, each request bounded in time, and the one rule
// every answer must follow: a Kubernetes Status for a 4xx, a success otherwise; never a 5xx or a hang.
import { Agent, request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** A watch that answered 200: only its headers were read, the stream was then dropped. */
  streamed: boolean;
}

export interface Sent {
  method: string;
  path: string;
  body?: string | Buffer;
  /** `null` sends no Content-Type header at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Send the body chunked, without a Content-Length (as a streaming client would). */
  chunked?: boolean;
}

export class KubeClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    ca: string,
    private readonly token: string,
    sockets: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, ca });
  }

  send(req: Sent): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, ...(req.headers ?? {}) };
      if (req.body !== undefined && !req.chunked) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      if (req.contentType) headers['Content-Type'] = req.contentType;
      const call = httpsRequest({ host: '127.0.0.1', port: this.port, method: req.method, path: req.path, agent: this.agent, headers }, (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (res.statusCode === 200 && res.headers['transfer-encoding'] === 'chunked' && !res.headers['content-length'] && isWatch(req)) {
          // A watch streams until its timeout: that it answered is all a fuzzer can ask of it.
          res.destroy();
          clearTimeout(timer);
          resolve({ status: 200, contentType, text: '', streamed: true });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode!, contentType, text: Buffer.concat(chunks).toString('utf8'), streamed: false });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      const timer = setTimeout(() => call.destroy(new Error(`no answer within ${this.timeoutMs} ms (a hang)`)), this.timeoutMs);
      call.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${req.method} ${req.path.slice(0, 200)}: ${error.message}`));
      });
      if (req.chunked && req.body !== undefined) {
        const bytes = Buffer.from(req.body);
        for (let at = 0; at < bytes.length; at += 64 * 1024) call.write(bytes.subarray(at, at + 64 * 1024));
        call.end();
      } else call.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const isWatch = (req: Sent) => req.method === 'GET' && (/\/watch\//.test(req.path) || /[?&]watch=(true|1|True|TRUE|t)(&|$)/.test(req.path));

/**
 * What a fuzzed request may get back: a success (JSON when it has a body), or a 4xx that is a
 * Kubernetes Status with that code. Returns what is wrong, or null.
 */
export function problemWith(answer: Answer): string | null {
  if (answer.status >= 500) return `${answer.status}: ${answer.text.slice(0, 500)}`;
  if (answer.streamed) return null;
  if (answer.status >= 200 && answer.status < 300) {
    if (!answer.text) return null;
    if (!answer.contentType.startsWith('application/json')) return `a ${answer.status} of type ${answer.contentType}`;
    try {
      JSON.parse(answer.text);
      return null;
    } catch {
      return `a ${answer.status} whose body is not JSON: ${answer.text.slice(0, 200)}`;
    }
  }
  if (answer.status < 400) return `unexpected ${answer.status}`;
  let status: { kind?: unknown; apiVersion?: unknown; status?: unknown; code?: unknown; message?: unknown; reason?: unknown };
  try {
    status = JSON.parse(answer.text);
  } catch {
    return `a ${answer.status} that is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (status.kind !== 'Status' || status.apiVersion !== 'v1' || status.status !== 'Failure' || status.code !== answer.status) {
    return `a ${answer.status} that is not a Failure Status with that code: ${answer.text.slice(0, 300)}`;
  }
  if (typeof status.message !== 'string' || !status.message || typeof status.reason !== 'string' || !status.reason) {
    return `a Status without message or reason: ${answer.text.slice(0, 300)}`;
  }
  return null;
}

// Pod status reports travel in batches: thousands of simulated nodes make thousands of changes a second,
// and one command per change would cost more than the changes. A report is retried until accepted
// (the scheduler records only what changed, so a repeat is harmless); a newer report of the same pod
// replaces an older one still waiting.
import { randomUUID } from 'node:crypto';
import { isKubeStatus } from '@everynode/contracts';
import type { PodStatusReport, ReportPodStatusCommand } from '@everynode/contracts';

export type SendReports = (reports: PodStatusReport[]) => Promise<void>;

export interface StatusReporterOptions {
  /** How long changes are collected before a batch goes. */
  flushMs: number;
  maxBatch: number;
  /** Batches on the wire at once. */
  maxInFlight: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

export interface StatusReporterStats {
  sent: number;
  batches: number;
  failedBatches: number;
  rejected: number;
}

const DEFAULTS: StatusReporterOptions = { flushMs: 75, maxBatch: 1000, maxInFlight: 4, minBackoffMs: 200, maxBackoffMs: 10_000 };

export const podKey = (r: { namespace: string; pod: string }) => `${r.namespace}/${r.pod}`;

/** One command for a batch: a single node reports as itself, several as their agent. */
export function reportCommand(reports: PodStatusReport[], agentId: string): ReportPodStatusCommand {
  const node = reports[0]?.node;
  const actor = reports.every((r) => r.node === node) ? `node:${node}` : `node-agent:${agentId}`;
  return { meta: { actor, requestId: randomUUID(), request: 'pod status' }, reports };
}

/** A Status the scheduler answered with that no retry can change (a malformed report). */
const isPermanent = (err: unknown) => isKubeStatus(err) && err.code >= 400 && err.code < 500 && err.code !== 409 && err.code !== 429;

export class StatusReporter {
  readonly stats: StatusReporterStats = { sent: 0, batches: 0, failedBatches: 0, rejected: 0 };
  private readonly opts: StatusReporterOptions;
  private readonly queued = new Map<string, PodStatusReport>();
  /** Pods with a report on the wire: how many batches carry one. */
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private backoffMs = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly send: SendReports,
    /** False once the pod is gone from this agent: its failed report is not retried. */
    private readonly isLive: (key: string) => boolean,
    private readonly onError: (err: unknown, reports: PodStatusReport[], willRetry: boolean) => void = () => {},
    options: Partial<StatusReporterOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  report(r: PodStatusReport): void {
    if (this.closed) return;
    this.queued.set(podKey(r), r);
    if (this.queued.size >= this.opts.maxBatch && this.backoffMs === 0) this.flush();
    else this.schedule();
  }

  /** The pod is gone: a report still waiting is dropped. */
  forget(key: string): void {
    this.queued.delete(key);
  }

  /** A report of this pod is waiting or on the wire. */
  isPending(key: string): boolean {
    return this.queued.has(key) || this.inFlight.has(key);
  }

  get backlog(): number {
    return this.queued.size;
  }

  /** Sends what is queued now (no retry), and waits for batches on the wire. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    while (this.queued.size) this.sendBatch(this.take());
    await Promise.allSettled([...this.sending]);
  }

  private schedule(): void {
    if (this.timer || this.closed || this.queued.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.backoffMs || this.opts.flushMs);
  }

  private flush(): void {
    while (this.queued.size && this.sending.size < this.opts.maxInFlight) this.sendBatch(this.take());
    this.schedule();
  }

  private take(): PodStatusReport[] {
    const batch: PodStatusReport[] = [];
    for (const [key, r] of this.queued) {
      if (batch.length === this.opts.maxBatch) break;
      batch.push(r);
      this.queued.delete(key);
    }
    return batch;
  }

  private sendBatch(batch: PodStatusReport[]): void {
    for (const r of batch) this.inFlight.set(podKey(r), (this.inFlight.get(podKey(r)) ?? 0) + 1);
    const sending: Promise<void> = this.send(batch).then(
      () => this.accepted(batch),
      (err) => this.failed(batch, err),
    );
    const tracked = sending.finally(() => {
      this.sending.delete(tracked);
      for (const r of batch) {
        const n = this.inFlight.get(podKey(r))! - 1;
        if (n) this.inFlight.set(podKey(r), n);
        else this.inFlight.delete(podKey(r));
      }
      if (this.queued.size) this.schedule();
    });
    this.sending.add(tracked);
  }

  private accepted(batch: PodStatusReport[]): void {
    this.stats.sent += batch.length;
    this.stats.batches++;
    this.backoffMs = 0;
  }

  private failed(batch: PodStatusReport[], err: unknown): void {
    this.stats.failedBatches++;
    if (isPermanent(err)) {
      this.stats.rejected += batch.length;
      this.onError(err, batch, false);
      return;
    }
    const retry = !this.closed;
    this.onError(err, batch, retry);
    if (!retry) return;
    for (const r of batch) {
      const key = podKey(r);
      if (!this.queued.has(key) && this.isLive(key)) this.queued.set(key, r);
    }
    this.backoffMs = Math.min(Math.max(this.opts.minBackoffMs, this.backoffMs * 2), this.opts.maxBackoffMs);
  }
}

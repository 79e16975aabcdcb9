// Group commit of pod status reports. Thousands of simulated kubelets report at once; one transaction per
// report would queue them all on the log lock (each holding a connection while it waits) and starve the
// placements. Reports that arrive while a write is in flight are appended together, in ONE transaction,
// by the next write: the lock is taken once per group, not once per report.
import { Injectable } from '@nestjs/common';
import type { PodStatusChanged, ReportPodStatusCommand } from '@everynode/contracts';
import { AppendRequest, EventStore } from '@everynode/event-store';
import { retryOnConflict } from '@everynode/platform';
import { slotKey } from '@everynode/reconciler';
import { AppendSequencer } from '../cluster/append-sequencer';
import { podBatchRequests } from '../cluster/pod-batch-requests';
import { ClusterCache } from '../cluster/cluster.cache';

export interface ReportResult {
  recorded: number;
  unchanged: number;
  unknown: string[];
}

export interface Written {
  result: ReportResult;
  /** slotKey of every pod whose status changed: what to reconcile. */
  slots: Set<string>;
}

interface Waiting {
  cmd: ReportPodStatusCommand;
  resolve: (r: Written) => void;
  reject: (e: unknown) => void;
}

/** What the next status of a pod is compared with: the view, or an earlier report of the same group. */
interface Known {
  phase: string;
  ready: boolean;
  podIP?: string;
  restarts: number;
}

@Injectable()
export class PodStatusWriter {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly store: EventStore,
    private readonly cache: ClusterCache,
    private readonly sequencer: AppendSequencer,
  ) {}

  /** Records the changes among these reports; resolves once they are committed and folded. */
  write(cmd: ReportPodStatusCommand): Promise<Written> {
    return new Promise<Written>((resolve, reject) => {
      this.queue.push({ cmd, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const group = this.queue;
        this.queue = [];
        try {
          const results = await this.commit(group.map((w) => w.cmd));
          group.forEach((w, i) => w.resolve(results[i]));
        } catch (error) {
          if (group.length === 1) group[0].reject(error);
          // One bad report must not fail the others: each on its own, so the error reaches only its sender.
          else for (const w of group) await this.commit([w.cmd]).then(([r]) => w.resolve(r), w.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async commit(cmds: ReportPodStatusCommand[]): Promise<Written[]> {
    let results: Written[] = [];
    // Decided on the latest view and planned before the log lock, in turn with the reconcile loop (the lock
    // is then held only for the queries); a conflict means someone wrote after that view: decide again.
    await retryOnConflict(async () => {
      await this.cache.catchUp();
      const basis = this.cache.position;
      const requests: AppendRequest[] = [];
      results = this.decide(cmds, requests);
      await this.sequencer.run(
        (head) => ({ prepared: this.store.prepareAhead(requests, head) }),
        async ({ prepared }) => {
          // Built at its turn: the appends of this process committed since the view are known by then.
          const appended = await this.store.appendMany(requests, { prepared, checks: [this.cache.podViewCheck(basis)] });
          await this.cache.foldAppended(appended.flatMap((r) => r.events));
        },
      );
    });
    return results;
  }

  /** The events the reports call for (changes only: a batch per command), in `requests`; each command's answer. */
  private decide(cmds: ReportPodStatusCommand[], requests: AppendRequest[]): Written[] {
    const known = new Map<string, Known>();
    return cmds.map((cmd) => {
      const result: ReportResult = { recorded: 0, unchanged: 0, unknown: [] };
      const slots = new Set<string>();
      const changes: PodStatusChanged[] = [];
      for (const r of cmd.reports) {
        const key = `${r.namespace}/${r.pod}`;
        const pod = this.cache.state.pods.get(key);
        if (!pod || pod.node !== r.node) {
          result.unknown.push(key); // removed meanwhile, or never this node's: the agent drops it
          continue;
        }
        const before: Known = known.get(key) ?? pod; // the view already holds all of it: no copy per report
        if (before.phase === r.phase && before.ready === r.ready && before.podIP === r.podIP && before.restarts === r.restarts) {
          result.unchanged++;
          continue;
        }
        // Keys in sorted order: the hash chain's canonical JSON takes them as they are.
        changes.push({
          namespace: r.namespace,
          node: r.node,
          phase: r.phase,
          pod: r.pod,
          ...(r.podIP ? { podIP: r.podIP } : {}),
          ready: r.ready,
          ...(r.reason ? { reason: r.reason } : {}),
          restarts: r.restarts,
        });
        known.set(key, { phase: r.phase, ready: r.ready, podIP: r.podIP, restarts: r.restarts });
        result.recorded++;
        if (pod.daemonSet) slots.add(slotKey(pod.daemonSet, pod.node));
      }
      const { meta } = cmd;
      requests.push(...podBatchRequests('PodStatusesChanged', changes, { actor: meta.actor, causationId: meta.requestId, correlationId: meta.requestId, request: meta.request }));
      return { result, slots };
    });
  }
}

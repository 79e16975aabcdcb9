// What every fault test asks of the log after the fault: read in ONE snapshot (the services keep writing),
// the hash chain verifies, the cluster folded from it keeps the invariants, no (DaemonSet, node) ever had two
// live pods, and every projection equals its rebuild from the log (nothing half-written).
import type { DataSource } from 'typeorm';
import { podEventsOf } from '@everynode/contracts';
import type { PodOrphaned, PodRemoved, PodScheduled, RecordedEvent } from '@everynode/contracts';
import { ChainVerifier, checkInvariants, diffProjections, formatDiff, ProjectionRebuild, readLiveProjections } from '@everynode/audit';
import type { Violation } from '@everynode/audit';
import { ClusterReadModel } from '@everynode/read-models';
import { nodeShouldRun } from '@everynode/reconciler';

export interface AuditReport {
  /** Events read (the log head). */
  events: number;
  /** Events whose hash link was checked; equals `events` when the chain verifies. */
  chainChecked: number;
  chainProblem: string | null;
  /** Invariant violations of the cluster folded from the log (pending work while it converges). */
  violations: Violation[];
  /** Placements that made a second live pod of one DaemonSet on one node. */
  doublePlacements: string[];
  /** Projection rows that differ from their rebuild, formatted. */
  projectionDiffs: string[];
  /** (DaemonSet, node) slots that should run a pod, checked to have one. */
  eligibleSlots: number;
  pods: number;
  podsScheduled: number;
  /** The folded cluster, for test-specific checks (the auditor's own: it moves on with its next audit). */
  model: ClusterReadModel;
}

const COLUMNS = 'position, event_id, stream, stream_version, type, data, metadata, recorded_at, hash, prev_hash';

interface Row {
  position: string;
  event_id: string;
  stream: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
  hash: string;
  prev_hash: string;
}

const toEvent = (r: Row): RecordedEvent => ({
  position: Number(r.position),
  eventId: r.event_id,
  stream: r.stream,
  streamVersion: r.stream_version,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  recordedAt: r.recorded_at.toISOString(),
  hash: r.hash,
  prevHash: r.prev_hash,
});

/** The events after `after` and the live projections, as of one instant (a REPEATABLE READ transaction). */
async function snapshot(admin: DataSource, after: number): Promise<{ events: RecordedEvent[]; live: Awaited<ReturnType<typeof readLiveProjections>> }> {
  const qr = admin.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const events: RecordedEvent[] = [];
    for (;;) {
      const page: Row[] = await qr.query(`SELECT ${COLUMNS} FROM event_log.events WHERE position > $1 ORDER BY position LIMIT 5000`, [
        events.length ? events[events.length - 1].position : after,
      ]);
      events.push(...page.map(toEvent));
      if (page.length < 5000) break;
    }
    // readLiveProjections only runs queries: the query runner answers them inside the snapshot.
    const live = await readLiveProjections(qr as unknown as DataSource);
    await qr.query('COMMIT');
    return { events, live };
  } finally {
    await qr.release();
  }
}

/**
 * Audits the log as it grows: each `audit()` reads only the events appended since the last one (tests poll it
 * while the cluster converges), in the same snapshot as the live projections it compares with their rebuild.
 */
export class LogAuditor {
  private readonly chain = new ChainVerifier();
  private readonly rebuild = new ProjectionRebuild();
  private readonly model = new ClusterReadModel();
  private readonly slots = new Map<string, Set<string>>(); // `ns/ds@node` -> live pods (`ns/name#templateHash`)
  private readonly placed = new Map<string, { slot: string; pod: string }>(); // pod key -> where it is live
  private readonly doublePlacements: string[] = [];
  private podsScheduled = 0;
  private position = 0;

  constructor(private readonly admin: DataSource) {}

  async audit(): Promise<AuditReport> {
    const { events, live } = await snapshot(this.admin, this.position);
    for (const e of events) this.add(e);
    const state = this.model.cluster;
    let eligibleSlots = 0;
    for (const ds of state.daemonSets.values()) for (const node of state.nodes.values()) if (nodeShouldRun(node, ds).shouldRun) eligibleSlots++;
    return {
      events: this.position,
      chainChecked: this.chain.checked,
      chainProblem: this.chain.problem ? `position ${this.chain.problem.position}: ${this.chain.problem.problem}` : null,
      violations: checkInvariants(state),
      doublePlacements: [...this.doublePlacements],
      projectionDiffs: diffProjections(live, this.rebuild.result().projections).map(formatDiff),
      eligibleSlots,
      pods: state.pods.size,
      podsScheduled: this.podsScheduled,
      model: this.model,
    };
  }

  private add(e: RecordedEvent): void {
    this.position = e.position;
    this.chain.add(e);
    this.rebuild.add(e);
    this.model.apply(e);
    for (const m of podEventsOf(e)) this.trackPlacement(m);
  }

  /** A pod event (a batch's member): every slot holds at most one live pod. */
  private trackPlacement(e: RecordedEvent): void {
    if (e.type === 'PodScheduled') {
      this.podsScheduled++;
      const d = e.data as PodScheduled;
      const slot = `${d.namespace}/${d.daemonSet}@${d.node}`;
      const pods = this.slots.get(slot) ?? new Set<string>();
      const pod = `${d.namespace}/${d.pod}#${d.templateHash}`;
      if (pods.size > 0) this.doublePlacements.push(`#${e.position} ${pod} beside ${[...pods].join(', ')} (${slot})`);
      pods.add(pod);
      this.slots.set(slot, pods);
      this.placed.set(`${d.namespace}/${d.pod}`, { slot, pod });
    } else if (e.type === 'PodRemoved' || e.type === 'PodOrphaned') {
      const d = e.data as PodRemoved | PodOrphaned;
      const key = `${d.namespace}/${d.pod}`;
      const where = this.placed.get(key);
      if (where) this.slots.get(where.slot)!.delete(where.pod);
      this.placed.delete(key);
    }
  }
}

/** The report's problems in one list (empty when the log is sound and the cluster converged). */
export function problemsOf(report: AuditReport): string[] {
  return [
    ...(report.chainProblem ? [`hash chain: ${report.chainProblem}`] : []),
    ...(report.chainChecked !== report.events ? [`hash chain: only ${report.chainChecked} of ${report.events} events verified`] : []),
    ...report.violations.map((v) => `${v.rule}: ${v.detail}`),
    ...report.doublePlacements.map((d) => `placed twice: ${d}`),
    ...report.projectionDiffs.map((d) => `projection differs from its rebuild: ${d}`),
  ];
}

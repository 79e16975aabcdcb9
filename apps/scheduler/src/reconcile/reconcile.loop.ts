// The controller loop: identity-only requests (which nodes, which DaemonSets) are merged into one pending
// scope; one drain at a time reads the whole truth (the log), asks the pure core, and commits the decisions
// in batches — one transaction per batch, never one round trip per pod. Conflicts mean "someone else wrote
// first": read on and decide again. A full resync runs at start and periodically, so nothing can drift.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventStore } from '@everynode/event-store';
import type { AppendRequest, AppendResult, LogHead, PreparedAppend } from '@everynode/event-store';
import { isRetryableConflict, MetricsRegistry, Readiness, SERVICE_CONFIG } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { everything, reconcile, slotKey } from '@everynode/reconciler';
import type { Action, ReconcileScope } from '@everynode/reconciler';
import { AppendSequencer } from '../cluster/append-sequencer';
import { ClusterCache } from '../cluster/cluster.cache';
import { batches, Decision, orphanDecision, Placement, placementFor, Removal, removalFor } from './decisions';

/** Decisions per transaction: large enough to amortise round trips, small enough that other writers (node joins, status reports) get the log lock every ~100 ms. */
const BATCH = 2000;
const MAX_PASSES = 20;
/** The slots (and departed nodes, for pods without an owner) a round acted on: what the next round re-checks. */
function followUp(actions: Action[]): ReconcileScope {
  const slots = new Set<string>();
  const nodes = new Set<string>();
  for (const a of actions) {
    if (a.daemonSet) slots.add(slotKey(a.daemonSet, a.node));
    else nodes.add(a.node);
  }
  return { slots, nodes };
}

/** A chunk of decisions ready for its transaction. */
interface Chunk {
  requests: AppendRequest[];
  prepared: PreparedAppend | null;
}

interface PendingScope {
  all: boolean;
  nodes: Set<string>;
  daemonSets: Set<string>;
  slots: Set<string>;
  /** Callers to tell once a pass covering this scope committed (or failed). */
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

const emptyScope = (): PendingScope => ({ all: false, nodes: new Set(), daemonSets: new Set(), slots: new Set(), waiters: [] });
/** Something to look at, or a caller to answer (an empty request still gets its pass). */
const hasWork = (p: PendingScope) => p.all || p.nodes.size > 0 || p.daemonSets.size > 0 || p.slots.size > 0 || p.waiters.length > 0;

@Injectable()
export class ReconcileLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileLoop.name);
  private pending = emptyScope();
  /** Slices of DaemonSets the periodic resync has still to look at, one per tick. */
  private resyncBacklog: string[][] = [];
  private resyncTicker?: NodeJS.Timeout;
  private inflight: Promise<void> | null = null;
  /** The last drain stopped on an error: wait for the requeue rather than retry at once. */
  private failed = false;
  private resyncTimer?: NodeJS.Timeout;
  private requeueTimer?: NodeJS.Timeout;
  private isSynced = false;
  private stopped = false;
  private readonly actionsTotal;
  private readonly conflictsTotal;
  private readonly resyncSlicesTotal;
  private readonly passSeconds;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly store: EventStore,
    private readonly cache: ClusterCache,
    private readonly sequencer: AppendSequencer,
    metrics: MetricsRegistry,
    readiness: Readiness,
  ) {
    this.actionsTotal = metrics.counter('scheduler_actions_total', 'Pods placed and removed, by kind and reason.');
    this.conflictsTotal = metrics.counter('scheduler_conflicts_total', 'Decisions retried because another writer got there first.');
    this.resyncSlicesTotal = metrics.counter('scheduler_resync_slices_total', 'Slices of the periodic resync enqueued.');
    this.passSeconds = metrics.gauge('scheduler_last_pass_seconds', 'Duration of the last reconcile pass.');
    metrics.gaugeFn('scheduler_log_position', 'Log position the scheduler has folded.', () => this.cache.position);
    metrics.gaugeFn('scheduler_pods', 'Pods in the scheduler view.', () => this.cache.state.pods.size);
    readiness.register('initial-resync', () => this.isSynced);
  }

  onApplicationBootstrap() {
    // Not awaited: the process serves health and metrics while the first full resync runs.
    void this.enqueue({ all: true })
      .then(() => {
        this.isSynced = true;
        this.cache.logStats();
      })
      .catch((e) => this.logger.error(`initial resync failed, will retry: ${e.message}`));
    this.resyncTimer = setInterval(() => this.startResync(), this.config.resyncIntervalMs);
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.stopResync();
    clearTimeout(this.requeueTimer);
    await this.inflight?.catch(() => undefined);
    this.abandonPending();
  }

  /** Shutting down: what is still pending is nak'ed (redelivered to the next scheduler), not acked undone. */
  private abandonPending(): void {
    const { waiters } = this.pending;
    this.pending = emptyScope();
    for (const w of waiters) w.reject(new Error('scheduler shutting down'));
  }

  /** The first full resync is done. */
  get synced(): boolean {
    return this.isSynced;
  }

  /**
   * The nodes and DaemonSets the view folded outside a pass (LogTrigger's reads): looked at now, unless a drain is
   * in flight, whose next round or end (kick) takes them.
   */
  lookAtFolded(): void {
    if (this.inflight || this.stopped) return;
    this.lookAtSeen(this.pending);
    if (hasWork(this.pending)) this.kick();
  }

  /** Resolves once a pass that covered this scope has committed its decisions. */
  enqueue(scope: ReconcileScope): Promise<void> {
    const p = this.pending;
    if (scope.all) p.all = true;
    for (const n of scope.nodes ?? []) p.nodes.add(n);
    for (const d of scope.daemonSets ?? []) p.daemonSets.add(d);
    for (const s of scope.slots ?? []) p.slots.add(s);
    const done = new Promise<void>((resolve, reject) => p.waiters.push({ resolve, reject }));
    this.kick();
    return done;
  }

  /** One drain at a time; it loops until nothing is pending. */
  private kick(): void {
    if (this.stopped) return this.abandonPending();
    if (this.inflight) return;
    this.inflight = this.drain().finally(() => {
      this.inflight = null;
      // What arrived as the drain ended, and what was folded after its last pass read on (its commits read
      // what others wrote first).
      if (!this.failed) this.lookAtFolded();
    });
  }

  /**
   * The periodic resync, in slices spread over half the interval. A whole-cluster pass at 150,000 pods decides
   * for ~0.5 s while every node join waits behind it; with RESYNC_SLICE_SLOTS (10,000: two DaemonSets at 5,000
   * nodes) a join waits for one slice (~30 ms). Like controller-runtime's resync, which enqueues every key
   * rather than running one big pass, every DaemonSet (and those only pods still name) is queued; a slice goes
   * every `interval / 2 / slices`, beside whatever events asked for. (Taken back to back, the 15 slices of a
   * 5,000-node cluster were ~0.5 s of CPU in one burst: the joins of that second waited up to 575 ms.)
   * Pods on departed nodes, the rest of what `all` covers, go at once. A resync still going when the next is
   * due is left to finish.
   */
  private startResync(): void {
    if (this.resyncBacklog.length) return;
    const { daemonSets, nodes } = everything(this.cache.state);
    void this.enqueue({ nodes }).catch(() => undefined);
    const perDaemonSet = Math.max(1, this.cache.state.nodes.size);
    const perSlice = Math.max(1, Math.floor(this.config.resyncSliceSlots / perDaemonSet));
    for (let i = 0; i < daemonSets.length; i += perSlice) this.resyncBacklog.push(daemonSets.slice(i, i + perSlice));
    if (!this.resyncBacklog.length) return;
    clearInterval(this.resyncTicker);
    this.resyncTicker = setInterval(() => this.nextResyncSlice(), Math.max(1, this.config.resyncIntervalMs / 2 / this.resyncBacklog.length));
  }

  private nextResyncSlice(): void {
    const slice = this.resyncBacklog.shift();
    if (!slice) return clearInterval(this.resyncTicker);
    this.resyncSlicesTotal.inc();
    void this.enqueue({ daemonSets: slice }).catch(() => undefined);
  }

  private stopResync(): void {
    this.resyncBacklog = [];
    clearInterval(this.resyncTicker);
  }

  private async drain(): Promise<void> {
    this.failed = false;
    while (!this.stopped && hasWork(this.pending)) {
      const scope = this.pending;
      this.pending = emptyScope();
      if (scope.all) this.stopResync(); // a whole pass covers it
      try {
        await this.pass(scope);
      } catch (error) {
        // Requeue on error, like controller-runtime; the callers (JetStream deliveries) are nak'ed and redelivered.
        // The drain stops here: the requeue (a whole pass) starts the next one, so a failing database is not hammered.
        this.logger.error(`reconcile failed, requeued: ${(error as Error).message}`);
        this.failed = true;
        this.stopResync();
        this.scheduleRequeue(1000);
        for (const w of scope.waiters) w.reject(error);
        return;
      }
      for (const w of scope.waiters) w.resolve();
    }
  }

  private scheduleRequeue(ms: number) {
    clearTimeout(this.requeueTimer);
    this.requeueTimer = setTimeout(() => void this.enqueue({ all: true }).catch(() => undefined), ms);
    this.requeueTimer.unref();
  }

  /**
   * Decide and commit until the scope needs nothing more (bounded: a rolling update deletes, then creates).
   * After the first round only the slots the last round acted on are looked at again: what changed
   * elsewhere meanwhile has its own pending request. (Taking the whole scope again let a full resync during
   * node churn go round 20 times, each a full reconcile with ever more new nodes in it.)
   */
  private async pass(scope: PendingScope): Promise<void> {
    const started = Date.now();
    let request: ReconcileScope = { all: scope.all, nodes: scope.nodes, daemonSets: scope.daemonSets, slots: scope.slots };
    for (let round = 0, conflicts = 0; round < MAX_PASSES; round++) {
      const t0 = Date.now();
      await this.cache.catchUp();
      this.lookAtSeen(round === 0 ? scope : this.pending);
      const t1 = Date.now();
      const basis = this.cache.position; // what the decisions below see (handlers may fold more meanwhile)
      const { actions, requeueAfterMs } = reconcile(this.cache.state, request, Date.now());
      if (requeueAfterMs !== undefined) this.scheduleRequeue(requeueAfterMs);
      // Decisions are built chunk by chunk at commit time, so 150,000 of them never live at once.
      const todo: (Action | { kind: 'orphan'; pod: string })[] = [];
      for (const pod of this.cache.pendingOrphans) todo.push({ kind: 'orphan', pod });
      for (const action of actions) {
        if (action.kind === 'delete' && this.cache.pendingOrphans.has(action.pod)) continue;
        todo.push(action);
      }
      if (!todo.length) break;
      const taken = new Set<string>();
      // The view may have moved on by the time a chunk is built (handlers fold too): what vanished is skipped.
      // Placements and removals of one cause go in batches (PodsScheduled, PodsRemoved), removals first (a
      // rolling update's replacement follows its removal); orphans are a pod's own events.
      const decide = (items: (typeof todo)[number][]): Decision[] => {
        const placements: Placement[] = [];
        const removals: Removal[] = [];
        const orphans: Decision[] = [];
        for (const item of items) {
          if (item.kind === 'orphan') {
            if (this.cache.state.pods.has(item.pod)) orphans.push(orphanDecision(this.cache, item.pod, this.formerOwner(item.pod)));
          } else if (item.kind === 'create') {
            if (this.cache.state.daemonSets.has(item.daemonSet)) placements.push(placementFor(this.cache, item, taken, this.config.podNameRandomLength));
          } else removals.push(removalFor(this.cache, item));
        }
        return [...orphans, ...batches('PodsRemoved', removals), ...batches('PodsScheduled', placements)];
      };
      const t2 = Date.now();
      try {
        await this.commit(todo, decide, basis);
        request = followUp(actions);
        this.logger.debug(
          `pass: catch-up ${t1 - t0} ms, decide ${t2 - t1} ms, commit ${Date.now() - t2} ms, ${todo.length} decisions; ` +
            `scope ${scope.all ? 'all' : `${scope.nodes.size} nodes, ${scope.daemonSets.size} daemonsets, ${scope.slots.size} slots`}`,
        );
        const counts = new Map<string, number>();
        for (const a of actions) counts.set(`${a.kind}|${a.reason}`, (counts.get(`${a.kind}|${a.reason}`) ?? 0) + 1);
        for (const [k, n] of counts) this.actionsTotal.inc({ kind: k.split('|')[0], reason: k.split('|')[1] }, n);
      } catch (error) {
        if (!isRetryableConflict(error) || ++conflicts > 10) throw error;
        this.conflictsTotal.inc();
      }
    }
    this.passSeconds.set((Date.now() - started) / 1000);
  }

  /**
   * Nodes and DaemonSets the catch-up read events of: into this pass's scope when it is the first round (a join
   * committed meanwhile is placed now, not when JetStream delivers it; the request shares the scope's sets),
   * else into the next pass.
   */
  private lookAtSeen(into: PendingScope): void {
    const { nodes, daemonSets } = this.cache.takeSeen();
    if (into.all) return; // a whole pass looks at everything anyway
    for (const n of nodes) into.nodes.add(n);
    for (const d of daemonSets) into.daemonSets.add(d);
  }

  private formerOwner(podKey: string): string {
    // evolve drops the DaemonSet but leaves its pods pointing at it until PodOrphaned is folded.
    return this.cache.state.pods.get(podKey)?.daemonSet ?? '';
  }

  /**
   * Commits only if no pod was placed, removed or reported by anyone else after `basis` (podViewCheckSql):
   * what makes two replicas unable to place twice. A unique (DaemonSet, node, template) guard did less: replicas deciding on stale views
   * across a rollout could still place pods of two templates on a node (test/faults/two-schedulers.fault.spec.ts).
   * Chunks go through the AppendSequencer, in turn with the status writer; while PostgreSQL inserts one
   * chunk, the next is built, hashed and queued behind it.
   */
  private async commit<T>(todo: T[], decide: (items: T[]) => Decision[], basis: number): Promise<void> {
    let next: Promise<void> | undefined;
    const enqueue = async (from: number): Promise<void> => {
      const decisions = decide(todo.slice(from, from + BATCH));
      if (!decisions.length) return;
      const whileInserting = () => {
        if (next || from + BATCH >= todo.length) return;
        next = enqueue(from + BATCH);
        next.catch(() => undefined); // awaited below; a pass that fails first must not leave it unhandled
      };
      await this.sequencer.run(
        (head) => this.buildChunk(decisions, head),
        async (chunk) => {
          const results = await this.commitChunk(chunk, basis, whileInserting);
          // Fold our own decisions without reading them back.
          const events = results.flatMap((r) => r.events);
          await this.cache.foldAppended(events);
          // Checked up to the lock and appended right after it: everything up to our last event is accounted
          // for, so the next chunk only has to look past it.
          for (const e of events) if (e.position > basis) basis = e.position;
        },
      );
    };
    for (let i = 0; i < todo.length; i += BATCH) {
      const current = next ?? enqueue(i);
      next = undefined;
      await current;
    }
  }

  /** A chunk's events hashed and serialized, ahead of its transaction. */
  private buildChunk(requests: Decision[], head: LogHead | null): Chunk {
    return { requests, prepared: this.store.prepareAhead(requests, head) };
  }

  /**
   * One chunk, one transaction: the stale-view check right after the log lock (in the same round trip, so no
   * placement can land in between), then the events. EventStore.appendMany sends a prepared chunk in one round
   * trip when the log is as planned, and plans it again under the lock otherwise.
   */
  private commitChunk(chunk: Chunk, basis: number, whileInserting?: () => void): Promise<AppendResult[]> {
    return this.store.appendMany(chunk.requests, { checks: [this.cache.podViewCheck(basis)], prepared: chunk.prepared, whileInserting });
  }
}

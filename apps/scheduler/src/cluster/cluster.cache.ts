// The scheduler's view of the cluster: the log folded in memory with the shared read model (whose core is
// the reconciler's pure `evolve`). The log is the truth and this is a cache of it: catching up is always
// "read after my last position", so a scheduler that was down, or that lost a race with another replica,
// converges by reading on.
import { Injectable, Logger } from '@nestjs/common';
import { badRequest, podEventsOf } from '@everynode/contracts';
import type { DaemonSetDeleted, PodRecord, RecordedEvent } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import type { LogHead } from '@everynode/event-store';
import { ClusterReadModel, compareKeys, lowerBound, podKey, podRecordOf, SortedKeys } from '@everynode/read-models';
import { podIndex } from '@everynode/reconciler';
import type { ClusterState, PodView } from '@everynode/reconciler';
import { podViewCheckSql } from './pod-view-check';

/** The event that last touched an object: the cause a decision about that object names. */
export interface Cause {
  eventId: string;
  position: number;
  correlationId: string;
}

const INTERNED = ['namespace', 'node', 'daemonSet', 'templateHash', 'phase', 'daemonSetUid'];
const MAX_INTERNED = 100_000;
const MAX_OWN_RANGES = 64;

const causeOf = (e: RecordedEvent): Cause => ({ eventId: e.eventId, position: e.position, correlationId: e.metadata.correlationId });

export interface PodFilter {
  namespace?: string;
  /** `name` (with `namespace`) or `namespace/name` */
  daemonSet?: string;
  node?: string;
  nodes?: ReadonlySet<string>;
}

function matches(pod: PodView, f: PodFilter): boolean {
  if (f.namespace && pod.namespace !== f.namespace) return false;
  // The view names its DaemonSet by key; `f.daemonSet` may be a name in `f.namespace`.
  if (f.daemonSet && pod.daemonSet !== f.daemonSet && pod.daemonSet !== `${pod.namespace}/${f.daemonSet}`) return false;
  if (f.node && pod.node !== f.node) return false;
  return !f.nodes || f.nodes.has(pod.node);
}


@Injectable()
export class ClusterCache {
  private readonly logger = new Logger(ClusterCache.name);
  /** No pod records: each pod is the core's view alone, shown with podRecordOf when asked (agents' lists). */
  private readonly model = new ClusterReadModel({ podRecords: false });
  readonly causes = new Map<string, Cause>();
  /** Pod keys in list order, kept between lists: see podPage. */
  private readonly podKeys = new SortedKeys(() => this.state.pods);
  private readonly strings = new Map<string, string>();
  private lastFolded: LogHead | null = null;
  /** The catch-up in flight (see catchUp). */
  private reading: Promise<unknown> = Promise.resolve();
  /** Nodes and DaemonSets whose events were folded since the reconcile loop last took them (takeSeen). */
  private seenNodes = new Set<string>();
  private seenDaemonSets = new Set<string>();
  /** Position ranges of this process's latest appends (see podViewCheck). */
  private readonly own: [number, number][] = [];
  /** Pods of DaemonSets deleted with propagationPolicy Orphan whose PodOrphaned is not in the log yet. */
  readonly pendingOrphans = new Set<string>();

  constructor(private readonly store: EventStore) {}

  /** What the pure core decides on. */
  get state(): ClusterState {
    return this.model.cluster;
  }

  get position(): number {
    return this.model.position;
  }

  /** The last event folded, as an append planned before the log lock assumes the log's head to be. */
  get head(): LogHead | null {
    return this.lastFolded;
  }

  /**
   * Reads and folds every event after the last one seen (up to `to`, when given). Returns how many were folded.
   * One read at a time: a caller that comes while another reads (the log trigger, a pass, a handler) waits for
   * it, then reads only what is newer, instead of reading and parsing the same rows a second time.
   */
  catchUp(to?: number): Promise<number> {
    const read = this.reading.then(() => this.readOn(to));
    this.reading = read.catch(() => undefined);
    return read;
  }

  private async readOn(to?: number): Promise<number> {
    let folded = 0;
    for (;;) {
      if (to !== undefined && this.position >= to) return folded;
      const batch = await this.store.readAll({ after: this.position, limit: 5000, to });
      for (const event of batch) this.fold(event);
      folded += batch.length;
      if (batch.length < 5000) return folded;
    }
  }

  /**
   * Folds events this process just appended (one transaction: consecutive positions) without reading them
   * back: only what others appended before them is read. Placing 150,000 pods otherwise meant reading
   * every one of them back whenever a status report had slipped in between.
   */
  async foldAppended(events: RecordedEvent[]): Promise<void> {
    if (!events.length) return;
    const sorted = [...events].sort((a, b) => a.position - b.position);
    this.own.push([sorted[0].position, sorted[sorted.length - 1].position]);
    if (this.own.length > MAX_OWN_RANGES) this.own.shift();
    await this.catchUp(sorted[0].position - 1);
    for (const event of sorted) if (event.position === this.position + 1) this.fold(event);
  }

  /**
   * The check an append decided on the view at `basis` carries (podViewCheckSql), built when it is about to be
   * sent: it lets pass the ranges of this process's appends committed since (one transaction: consecutive
   * positions). Only the latest are kept; a view older than them fails its check and decides again.
   */
  podViewCheck(basis: number): string {
    return podViewCheckSql(basis, this.own.filter(([, last]) => last > basis));
  }

  fold(event: RecordedEvent): void {
    if (event.position <= this.position) return; // seen already
    const d = event.data as { name?: string; namespace?: string };
    this.lastFolded = { position: event.position, hash: event.hash, recordedAt: event.recordedAt };
    if (event.data === null || typeof event.data !== 'object') return void this.model.apply(event); // moves the position only
    if (event.type === 'DaemonSetDeleted' && (event.data as DaemonSetDeleted).propagationPolicy === 'Orphan') {
      const key = `${d.namespace}/${d.name}`;
      for (const pod of this.state.pods.values()) if (pod.daemonSet === key) this.pendingOrphans.add(pod.key);
    }
    if (event.stream.startsWith('node-')) {
      this.model.apply(event);
      this.causes.set(`node:${d.name}`, causeOf(event));
      this.seenNodes.add(d.name!);
    } else if (event.stream.startsWith('daemonset-')) {
      this.model.apply(event);
      this.causes.set(`ds:${d.namespace}/${d.name}`, causeOf(event));
      this.seenDaemonSets.add(`${d.namespace}/${d.name}`);
    } else if (event.type.startsWith('Pod')) {
      // A pod's event or a batch of them, taken apart once for this view and its model.
      const members = podEventsOf(event);
      for (const member of members) this.beforePodEvent(member);
      this.model.apply(event, members);
      for (const member of members) this.afterPodEvent(member);
    } else this.model.apply(event);
  }

  private beforePodEvent(event: RecordedEvent): void {
    const d = event.data as { namespace: string; pod: string };
    this.intern(event.data as Record<string, unknown>);
    if (event.type === 'PodScheduled') this.podKeys.add(`${d.namespace}/${d.pod}`);
    else if (event.type === 'PodRemoved') this.podKeys.remove(`${d.namespace}/${d.pod}`);
  }

  private afterPodEvent(event: RecordedEvent): void {
    const d = event.data as { namespace: string; pod: string; phase?: string };
    const key = `${d.namespace}/${d.pod}`;
    if (event.type === 'PodOrphaned' || event.type === 'PodRemoved') this.pendingOrphans.delete(key);
    // A pod's own event is the cause only of removing it as Failed (its terminal status); a Duplicate
    // names the node's or DaemonSet's latest event. Keeping one per pod of 150,000 cost 45 MiB.
    if (event.type === 'PodStatusChanged' && (d.phase === 'Failed' || d.phase === 'Succeeded')) this.causes.set(`pod:${key}`, causeOf(event));
    else if (event.type !== 'PodOrphaned') this.causes.delete(`pod:${key}`);
  }

  /**
   * The nodes and DaemonSets whose events this view folded since the last call. The log says what to look at
   * as well as JetStream does: a pass that reads a join while catching up places its pods at once, instead of
   * waiting for the relay and the consumer to deliver the same event (the trigger that then comes finds
   * nothing left to do).
   */
  takeSeen(): { nodes: Set<string>; daemonSets: Set<string> } {
    const seen = { nodes: this.seenNodes, daemonSets: this.seenDaemonSets };
    this.seenNodes = new Set();
    this.seenDaemonSets = new Set();
    return seen;
  }

  /**
   * One copy of each repeated value of pod events (namespace, node, DaemonSet, template hash, phase):
   * read back from the log every event carries its own copies, 150,000 pods' worth of them.
   */
  private intern(data: Record<string, unknown>): void {
    for (const field of INTERNED) {
      const value = data[field];
      if (typeof value !== 'string') continue;
      const known = this.strings.get(value);
      if (known !== undefined) data[field] = known;
      else if (this.strings.size < MAX_INTERNED) this.strings.set(value, value);
      else this.strings.clear(); // names of nodes long gone (churn): start over rather than keep them forever
    }
  }

  /** The most recent of the events that touched these objects. */
  latestCause(...keys: string[]): Cause | undefined {
    let best: Cause | undefined;
    for (const key of keys) {
      const c = this.causes.get(key);
      if (c && (!best || c.position > best.position)) best = c;
    }
    return best;
  }

  /** The record clients see. */
  podRecord(key: string): PodRecord | undefined {
    const pod = this.state.pods.get(key);
    return pod && podRecordOf(pod);
  }

  /**
   * One page of pods in key order (etcd's, as the gateway lists: the order of the continue tokens) after
   * `after`. The sorted keys are kept between lists and what was added or removed since is merged in (SortedKeys):
   * sorting all 150,000 keys took 110-200 ms at once, and node joins waited behind it. A later page may see keys
   * added after its first page, which is what a lister needs (they are newer than the list's resourceVersion).
   */
  podPage(filter: PodFilter, after: string | undefined, limit: number): { items: PodRecord[]; next?: string } {
    if (filter.nodes) return this.podPageOfNodes(filter, after, limit);
    const keys = this.podKeys.keys();
    const items: PodRecord[] = [];
    for (let i = after === undefined ? 0 : lowerBound(keys, after); i < keys.length; i++) {
      const pod = this.state.pods.get(keys[i]);
      if (!pod || !matches(pod, filter)) continue;
      if (items.length === limit) return { items, next: podKey(items[items.length - 1].namespace, items[items.length - 1].name) };
      items.push(podRecordOf(pod));
    }
    return { items };
  }

  /**
   * A page of the pods of some nodes (what node agents list, a slice of nodes at a time): node by node in
   * name order, each node's pods in key order, from the pods-by-node index; the continue token is
   * `<node>|<last pod key>`. A slice costs what it lists, not a walk (or sort) of every pod in the cluster.
   */
  private podPageOfNodes(filter: PodFilter, after: string | undefined, limit: number): { items: PodRecord[]; next?: string } {
    const names = [...filter.nodes!].sort(compareKeys);
    const bar = after?.indexOf('|') ?? -1;
    if (after !== undefined && bar < 0) throw badRequest(`continue: ${after} is not a token of a node list`);
    const afterNode = after?.slice(0, bar);
    const afterKey = after?.slice(bar + 1);
    const byNode = podIndex(this.state).byNode;
    const items: PodRecord[] = [];
    for (let n = afterNode === undefined ? 0 : lowerBound(names, afterNode, true); n < names.length; n++) {
      const keys = [...(byNode.get(names[n]) ?? [])].sort(compareKeys);
      for (let i = names[n] === afterNode ? lowerBound(keys, afterKey!) : 0; i < keys.length; i++) {
        const pod = this.state.pods.get(keys[i]);
        if (!pod || !matches(pod, filter)) continue;
        if (items.length === limit) {
          const last = items[items.length - 1];
          return { items, next: `${last.node}|${podKey(last.namespace, last.name)}` };
        }
        items.push(podRecordOf(pod));
      }
    }
    return { items };
  }

  logStats(): void {
    this.logger.log(`cache at position ${this.position}: ${this.state.nodes.size} nodes, ${this.state.daemonSets.size} daemonsets, ${this.state.pods.size} pods`);
  }
}

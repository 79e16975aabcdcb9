// The gateway's read side: it follows the event log from the start, folds every event into one
// ClusterReadModel, and keeps the recent changes (with the object as it was) for watches.
// GET, LIST and WATCH are answered from here; resourceVersion is the log position.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type {
  DaemonSet,
  DaemonSetCreated,
  NamespaceRecord,
  NodeRecord,
  PodRecord,
  PodScheduled,
  PodTemplateSpec,
  RecordedEvent,
} from '@everynode/contracts';
import { podEventsOf, serviceUnavailable } from '@everynode/contracts';
import { EventStore, type Tail } from '@everynode/event-store';
import { type Change, ClusterReadModel, podKey, SortedKeys } from '@everynode/read-models';
import { GATEWAY_CONFIG } from '../config/tokens';
import type { GatewayConfig } from '../config/gateway-config';
import { ChangeRing } from './change-ring';

/** A pod with what its presentation needs that the pod record does not carry. */
export interface PodSnapshot {
  pod: PodRecord;
  /** The DaemonSet that created it (kept after an orphaning, for the template). */
  owner?: { name: string; uid: string };
  template?: PodTemplateSpec;
}

/** The records a pod's presentation is made of (see `ClusterView.podParts`). */
export interface PodParts {
  pod: PodRecord;
  owner?: { readonly name: string; readonly uid: string; readonly templateKey: string };
  template?: PodTemplateSpec;
  node?: NodeRecord;
}

export type ChangeEntry = Change &
  (
    | { resource: 'namespaces'; record: NamespaceRecord }
    | { resource: 'nodes'; record: NodeRecord }
    | { resource: 'daemonsets'; record: DaemonSet }
    | { resource: 'pods'; record: PodSnapshot }
  );

export type ChangeListener = (entries: ChangeEntry[]) => void;

/** Changes per publication to the watchers (see fold). */
const PUBLISH_EVERY = 2000;

@Injectable()
export class ClusterView implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClusterView');
  readonly model = new ClusterReadModel();
  private readonly ring: ChangeRing<ChangeEntry>;
  private readonly listeners = new Set<ChangeListener>();
  private waiters: { position: number; resolve: () => void }[] = [];
  /** Pod templates by `namespace/daemonset#hash`: a pod shows the template it was created from. */
  private readonly templates = new Map<string, PodTemplateSpec>();
  private readonly owners = new Map<string, { name: string; uid: string; templateKey: string }>();
  /** Every pod key in list order, kept as pods come and go (a LIST of 150,000 pods sorts nothing). */
  private readonly podKeys = new SortedKeys(() => this.model.pods);
  private readonly preparations: (() => Promise<void>)[] = [];
  private tail?: Tail;
  private timer?: NodeJS.Timeout;
  private caughtUp = false;

  constructor(
    private readonly store: EventStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.ring = new ChangeRing(config.watchCacheSize);
  }

  get position(): number {
    return this.model.position;
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResumable(): number {
    return this.ring.oldestResumable;
  }

  /** Serving starts only once the log is folded up to where it was at start. */
  async onApplicationBootstrap(): Promise<void> {
    const head = await this.store.headPosition();
    this.tail = this.store.tail(0, async (events) => this.fold(events), {
      onError: (err) => this.logger.warn(`reading the event log failed, retrying: ${err.message}`),
    });
    await this.reached(head);
    for (const prepare of this.preparations) {
      await prepare().catch((err: Error) => this.logger.warn(`preparing to serve failed (serving anyway): ${err.message}`));
    }
    this.caughtUp = true;
    // Availability (minReadySeconds) changes with time alone, not only with events.
    this.timer = setInterval(() => this.publish(this.statusChanges()), 1000);
    this.logger.log(`read model caught up with the event log at position ${head}`);
  }

  /** Work to finish once the log is folded, before the gateway reports ready (e.g. warming caches). */
  beforeReady(prepare: () => Promise<void>): void {
    this.preparations.push(prepare);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.tail?.stop();
  }

  /** Resolves once the model has folded `position` (e.g. the log head right after a write). */
  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    if (this.model.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(serviceUnavailable(`the read model did not reach resourceVersion ${position} within ${timeoutMs} ms (at ${this.model.position})`));
      }, timeoutMs);
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(waiter);
    });
  }

  /**
   * Calls `listener` with every later change. Read the current state (or `changesSince`) in the same
   * tick as subscribing: folds happen between ticks, so nothing falls between the two.
   */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The same as `subscribe`, under the name the gRPC API's GrpcView uses. */
  onChanges(listener: (changes: Change[]) => void): () => void {
    return this.subscribe(listener);
  }

  /** The last position committed to the log (the model may not have folded it yet). */
  logHead(): Promise<number> {
    return this.store.headPosition();
  }

  /** Resolves once everything committed to the log so far is folded (read-your-writes). */
  async waitForHead(): Promise<void> {
    await this.waitFor(await this.store.headPosition());
  }

  /** Whether the changes after `position` are all still in the watch cache (a continue token from it is good). */
  canResumeFrom(position: number): boolean {
    return position >= this.ring.oldestResumable;
  }

  /** The changes after `position`, oldest first; null when some were already evicted (too old). */
  changesSince(position: number): ChangeEntry[] | null {
    return this.ring.since(position);
  }

  namespaces(): NamespaceRecord[] {
    return [...this.model.namespaces.values()].flatMap((s) => (s.record ? [s.record] : []));
  }

  namespace(name: string): NamespaceRecord | undefined {
    return this.model.namespaces.get(name)?.record ?? undefined;
  }

  nodes(): NodeRecord[] {
    return [...this.model.nodes.values()].flatMap((s) => (s.node ? [s.node] : []));
  }

  node(name: string): NodeRecord | undefined {
    return this.model.nodes.get(name)?.node ?? undefined;
  }

  daemonSets(namespace?: string): DaemonSet[] {
    const out: DaemonSet[] = [];
    for (const [key, state] of this.model.daemonSets) {
      if (!state.record || (namespace && state.record.object.metadata.namespace !== namespace)) continue;
      out.push(this.model.daemonSet(key)!);
    }
    return out;
  }

  daemonSet(namespace: string, name: string): DaemonSet | undefined {
    return this.model.daemonSet(podKey(namespace, name));
  }

  /** The resourceVersion the spec service holds for a DaemonSet (its last spec event), for preconditions. */
  daemonSetSpecVersion(namespace: string, name: string): string | undefined {
    return this.model.daemonSets.get(podKey(namespace, name))?.record?.resourceVersion;
  }

  pods(namespace?: string): PodSnapshot[] {
    const out: PodSnapshot[] = [];
    for (const [key, pod] of this.model.pods) if (!namespace || pod.namespace === namespace) out.push(this.podSnapshot(key)!);
    return out;
  }

  pod(namespace: string, name: string): PodSnapshot | undefined {
    return this.podSnapshot(podKey(namespace, name));
  }

  /** Every pod's key (`namespace/name`) in list order; shared until the next fold, not to be modified. */
  sortedPodKeys(): readonly string[] {
    return this.podKeys.keys();
  }

  /** The pod under `key` (from `sortedPodKeys`), as `pod()` gives it. */
  podSnapshot(key: string): PodSnapshot | undefined {
    const pod = this.model.pods.get(key);
    if (!pod) return undefined;
    const owner = this.owners.get(key);
    return {
      pod,
      ...(owner ? { owner: { name: owner.name, uid: owner.uid }, template: this.templates.get(owner.templateKey) } : {}),
    };
  }

  /** Whether the pod under `key` is (still) made of exactly `parts`: as `podParts` would compare, without allocating. */
  podIsMadeOf(key: string, parts: PodParts): boolean {
    const pod = this.model.pods.get(key);
    if (!pod || pod !== parts.pod) return false;
    const owner = this.owners.get(key);
    return owner === parts.owner && (owner && this.templates.get(owner.templateKey)) === parts.template && this.node(pod.node) === parts.node;
  }

  /**
   * What the pod under `key` is presented from, by identity (records are replaced, never changed in
   * place): equal parts present the same object, so a rendering of them can be kept.
   */
  podParts(key: string): PodParts | undefined {
    const pod = this.model.pods.get(key);
    if (!pod) return undefined;
    const owner = this.owners.get(key);
    return { pod, owner, template: owner && this.templates.get(owner.templateKey), node: this.node(pod.node) };
  }

  private async fold(events: RecordedEvent[]): Promise<void> {
    let entries: ChangeEntry[] = [];
    for (const event of events) {
      // A page of batch events can hold a hundred thousand pod changes: they go out a few thousand at a time,
      // with a turn of the event loop between, so that watchers' sockets drain instead of one write per
      // watcher taking them all (100 watchers × 33 MB closed every watch as too far behind).
      if (entries.length >= PUBLISH_EVERY) {
        this.publish(entries);
        entries = [];
        await new Promise((resolve) => setImmediate(resolve));
      }
      // A batch's pods each have an owner to remember, or a last state to show in their DELETED.
      const members = podEventsOf(event);
      const lasts = new Map<string, ChangeEntry['record'] | undefined>();
      for (const member of members) {
        const last = this.lastState(member);
        if (last) lasts.set(last.key, last.record);
        this.remember(member);
      }
      for (const change of this.model.apply(event, members)) {
        if (change.resource === 'pods') {
          if (change.type === 'ADDED') this.podKeys.add(change.key);
          else if (change.type === 'DELETED') this.podKeys.remove(change.key);
        }
        const entry = this.entry(change, lasts.get(`${change.resource}:${change.key}`));
        if (entry) entries.push(entry);
      }
      for (const member of members) {
        if (member.type !== 'PodRemoved') continue;
        const d = member.data as { namespace: string; pod: string };
        this.owners.delete(podKey(d.namespace, d.pod));
      }
    }
    entries.push(...this.statusChanges());
    this.publish(entries);
    const done = this.waiters.filter((w) => w.position <= this.model.position);
    this.waiters = this.waiters.filter((w) => w.position > this.model.position);
    for (const w of done) w.resolve();
  }

  private statusChanges(): ChangeEntry[] {
    return this.model.flush(Date.now()).flatMap((change) => {
      const entry = this.entry(change);
      return entry ? [entry] : [];
    });
  }

  private publish(entries: ChangeEntry[]): void {
    if (!entries.length) return;
    for (const entry of entries) this.ring.push(entry);
    for (const listener of this.listeners) {
      try {
        listener(entries);
      } catch (error) {
        this.logger.error(`a watch failed on new changes: ${(error as Error).message}`);
      }
    }
  }

  /** Templates and pod owners: what a Pod object shows that the read model does not keep. */
  private remember(event: RecordedEvent): void {
    if (event.type === 'DaemonSetCreated' || event.type === 'DaemonSetUpdated') {
      const d = event.data as DaemonSetCreated;
      this.templates.set(`${podKey(d.namespace, d.name)}#${d.templateHash}`, d.object.spec.template);
    } else if (event.type === 'PodScheduled') {
      const d = event.data as PodScheduled;
      this.owners.set(podKey(d.namespace, d.pod), {
        name: d.daemonSet,
        uid: d.daemonSetUid,
        templateKey: `${podKey(d.namespace, d.daemonSet)}#${d.templateHash}`,
      });
    }
  }

  /**
   * For an event that ends an object, its last state (captured before the fold forgets it), under the
   * resource and key its change is reported with (`Change.resource:Change.key`).
   */
  private lastState(event: RecordedEvent): { key: string; record: ChangeEntry['record'] | undefined } | undefined {
    const d = event.data as { name?: string; namespace?: string; pod?: string };
    switch (event.type) {
      case 'NamespaceDeleted':
        return { key: `namespaces:${d.name}`, record: this.namespace(d.name!) };
      case 'NodeLeft':
        return { key: `nodes:${d.name}`, record: this.node(d.name!) };
      case 'DaemonSetDeleted':
        return { key: `daemonsets:${podKey(d.namespace!, d.name!)}`, record: this.daemonSet(d.namespace!, d.name!) };
      case 'PodRemoved':
        return { key: `pods:${podKey(d.namespace!, d.pod!)}`, record: this.podSnapshot(podKey(d.namespace!, d.pod!)) };
      default:
        return undefined;
    }
  }

  private entry(change: Change, last?: ChangeEntry['record']): ChangeEntry | undefined {
    const record = change.type === 'DELETED' ? last : this.current(change);
    if (!record) return undefined;
    return { ...change, record } as ChangeEntry;
  }

  private current(change: Change): ChangeEntry['record'] | undefined {
    switch (change.resource) {
      case 'namespaces':
        return this.namespace(change.key);
      case 'nodes':
        return this.node(change.key);
      case 'daemonsets':
        return this.model.daemonSet(change.key);
      case 'pods':
        return this.podSnapshot(change.key);
    }
  }

  private reached(position: number): Promise<void> {
    return this.waitFor(position, 24 * 3600 * 1000);
  }
}

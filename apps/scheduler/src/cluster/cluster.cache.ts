// The scheduler's view of the cluster: the log folded in memory with the pure `evolve`.
// The log is the truth and this is a cache of it: catching up is always "read after my last position",
// so a scheduler that was down, or that lost a race with another replica, converges by reading on.
import { Injectable, Logger } from '@nestjs/common';
import type {
  DaemonSetDeleted,
  PodOrphaned,
  PodRecord,
  PodScheduled,
  PodStatusChanged,
  RecordedEvent,
} from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { ClusterState, emptyCluster, evolve } from '@everynode/reconciler';

/** What the reconciler's PodView does not carry but clients and optimistic concurrency need. */
export interface PodExtras {
  uid: string;
  version: number;
  createdAt: string;
  podIP?: string;
  restarts: number;
  resourceVersion: string;
}

/** The event that last touched an object: the cause a decision about that object names. */
export interface Cause {
  eventId: string;
  position: number;
  correlationId: string;
}

const causeOf = (e: RecordedEvent): Cause => ({ eventId: e.eventId, position: e.position, correlationId: e.metadata.correlationId });

@Injectable()
export class ClusterCache {
  private readonly logger = new Logger(ClusterCache.name);
  state: ClusterState = emptyCluster();
  position = 0;
  readonly pods = new Map<string, PodExtras>();
  readonly causes = new Map<string, Cause>();
  /** Pods of DaemonSets deleted with propagationPolicy Orphan whose PodOrphaned is not in the log yet. */
  readonly pendingOrphans = new Set<string>();

  constructor(private readonly store: EventStore) {}

  /** Reads and folds every event after the last one seen. Returns how many were folded. */
  async catchUp(): Promise<number> {
    let folded = 0;
    for (;;) {
      const batch = await this.store.readAll({ after: this.position, limit: 5000 });
      for (const event of batch) this.fold(event);
      folded += batch.length;
      if (batch.length < 5000) return folded;
    }
  }

  fold(event: RecordedEvent): void {
    if (event.position <= this.position) return; // seen already
    const d = event.data as Record<string, unknown>;
    if (event.type === 'DaemonSetDeleted' && (d as unknown as DaemonSetDeleted).propagationPolicy === 'Orphan') {
      const key = `${d.namespace}/${d.name}`;
      for (const pod of this.state.pods.values()) if (pod.daemonSet === key) this.pendingOrphans.add(pod.key);
    }
    this.state = evolve(this.state, event);
    this.position = event.position;
    const cause = causeOf(event);
    switch (event.type) {
      case 'NodeJoined':
      case 'NodeUpdated':
      case 'NodeReadinessChanged':
      case 'NodeLeft':
        this.causes.set(`node:${d.name}`, cause);
        break;
      case 'DaemonSetCreated':
      case 'DaemonSetUpdated':
      case 'DaemonSetDeleted':
        this.causes.set(`ds:${d.namespace}/${d.name}`, cause);
        break;
      case 'PodScheduled': {
        const p = d as unknown as PodScheduled;
        const key = `${p.namespace}/${p.pod}`;
        this.pods.set(key, { uid: p.uid, version: event.streamVersion, createdAt: event.recordedAt, restarts: 0, resourceVersion: String(event.position) });
        this.causes.set(`pod:${key}`, cause);
        break;
      }
      case 'PodStatusChanged': {
        const p = d as unknown as PodStatusChanged;
        const key = `${p.namespace}/${p.pod}`;
        const extras = this.pods.get(key);
        if (extras) Object.assign(extras, { version: event.streamVersion, podIP: p.podIP, restarts: p.restarts, resourceVersion: String(event.position) });
        this.causes.set(`pod:${key}`, cause);
        break;
      }
      case 'PodOrphaned': {
        const key = `${(d as unknown as PodOrphaned).namespace}/${(d as unknown as PodOrphaned).pod}`;
        this.pendingOrphans.delete(key);
        const extras = this.pods.get(key);
        if (extras) Object.assign(extras, { version: event.streamVersion, resourceVersion: String(event.position) });
        break;
      }
      case 'PodRemoved': {
        const key = `${d.namespace}/${d.pod}`;
        this.pods.delete(key);
        this.pendingOrphans.delete(key);
        this.causes.delete(`pod:${key}`);
        break;
      }
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

  podRecords(filter: { namespace?: string; daemonSet?: string; node?: string } = {}): PodRecord[] {
    const out: PodRecord[] = [];
    for (const pod of this.state.pods.values()) {
      if (filter.namespace && pod.namespace !== filter.namespace) continue;
      if (filter.daemonSet && pod.daemonSet !== `${pod.namespace}/${filter.daemonSet}` && pod.daemonSet !== filter.daemonSet) continue;
      if (filter.node && pod.node !== filter.node) continue;
      const extras = this.pods.get(pod.key);
      out.push({
        namespace: pod.namespace,
        name: pod.name,
        uid: extras?.uid ?? '',
        daemonSet: pod.daemonSet,
        node: pod.node,
        templateHash: pod.templateHash,
        generation: pod.generation,
        phase: pod.phase,
        ready: pod.ready,
        podIP: extras?.podIP,
        restarts: extras?.restarts ?? 0,
        createdAt: extras?.createdAt ?? '',
        resourceVersion: extras?.resourceVersion ?? '',
      });
    }
    return out.sort((a, b) => (a.namespace + '/' + a.name).localeCompare(b.namespace + '/' + b.name));
  }

  logStats(): void {
    this.logger.log(`cache at position ${this.position}: ${this.state.nodes.size} nodes, ${this.state.daemonSets.size} daemonsets, ${this.state.pods.size} pods`);
  }
}

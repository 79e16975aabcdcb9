// The whole cluster as clients see it, folded from the log: namespaces, nodes, DaemonSets (with the
// status the pure core computes), pods. The API gateway serves reads and watches from it; the audit
// CLI folds it up to any position. Every change it reports carries the log position it happened at,
// which is the resourceVersion clients see.
import { isPodBatch, podEventsOf } from '@everynode/contracts';
import type { DaemonSet, DaemonSetStatus, PodRecord, RecordedEvent } from '@everynode/contracts';
import { ClusterState, computeStatus, emptyCluster, evolve } from '@everynode/reconciler';
import { DaemonSetState, evolveDaemonSet, initialDaemonSetState, presentDaemonSet } from './daemonset.read-model';
import { evolveNamespace, NamespaceState } from './namespace.read-model';
import { evolveNode, initialNodeState, NodeState } from './node.read-model';
import { podKey, podRecordOf } from './pod.read-model';

export type Resource = 'namespaces' | 'nodes' | 'daemonsets' | 'pods';

export interface Change {
  resource: Resource;
  /** `name` for nodes and namespaces, `namespace/name` otherwise. */
  key: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  position: number;
}

const ZERO_STATUS: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };

export class ClusterReadModel {
  position = 0;
  readonly namespaces = new Map<string, NamespaceState>();
  readonly nodes = new Map<string, NodeState>();
  readonly daemonSets = new Map<string, DaemonSetState>();
  /**
   * Pod records by key, kept when the model is built with `podRecords` (the gateway hands them out and tells
   * changes by their identity). Without, it stays empty: the pods are in `cluster.pods`, shown with `podRecordOf`.
   */
  readonly pods = new Map<string, PodRecord>();
  /** The pure core's view: DaemonSet status, and the pods themselves. */
  cluster: ClusterState = emptyCluster();
  private readonly statuses = new Map<string, { status: DaemonSetStatus; position: number }>();
  private readonly dirty = new Set<string>();
  private allDirty = false;
  private readonly podRecords: boolean;

  constructor(options: { podRecords?: boolean } = {}) {
    this.podRecords = options.podRecords ?? true;
  }

  /**
   * Folds one event; returns what changed (DaemonSet status changes come from `flush`). `members`: the event's
   * per-pod events (podEventsOf), when the caller took a batch apart already.
   */
  apply(event: RecordedEvent, members?: RecordedEvent[]): Change[] {
    if (event.position <= this.position) return [];
    this.position = event.position;
    if (event.data === null || typeof event.data !== 'object') return []; // not the services' (see evolve)
    if (isPodBatch(event)) return (members ?? podEventsOf(event)).flatMap((member) => this.applyPodEvent(member));
    if (event.stream.startsWith('pod-')) return this.applyPodEvent(event);
    this.cluster = evolve(this.cluster, event);
    const at = event.position;
    const d = event.data as { name?: string; namespace?: string; pod?: string };
    const stream = event.stream;
    if (stream.startsWith('namespace-')) {
      const before = this.namespaces.get(d.name!) ?? { version: 0, record: null };
      const after = evolveNamespace(before, event);
      this.namespaces.set(d.name!, after);
      return [{ resource: 'namespaces', key: d.name!, type: changeType(before.record, after.record), position: at }];
    }
    if (stream.startsWith('node-')) {
      const before = this.nodes.get(d.name!) ?? initialNodeState();
      const after = evolveNode(before, event);
      this.nodes.set(d.name!, after);
      this.allDirty = true; // a node changes DESIRED of every DaemonSet that matches it
      return [{ resource: 'nodes', key: d.name!, type: changeType(before.node, after.node), position: at }];
    }
    if (stream.startsWith('daemonset-')) {
      const key = podKey(d.namespace!, d.name!);
      const before = this.daemonSets.get(key) ?? initialDaemonSetState();
      const after = evolveDaemonSet(before, event);
      this.daemonSets.set(key, after);
      if (after.record) this.dirty.add(key);
      else this.statuses.delete(key);
      return [{ resource: 'daemonsets', key, type: changeType(before.record, after.record), position: at }];
    }
    return [];
  }

  /** A pod's event, alone or a batch's member (its position already taken by the batch). */
  private applyPodEvent(event: RecordedEvent): Change[] {
    const d = event.data as { namespace: string; pod: string };
    const key = podKey(d.namespace, d.pod);
    const before = this.cluster.pods.get(key);
    this.cluster = evolve(this.cluster, event);
    const after = this.cluster.pods.get(key);
    if (before === after) return []; // a repeat, or a pod it does not know: views are replaced on every change
    if (this.podRecords) {
      if (after) this.pods.set(key, podRecordOf(after));
      else this.pods.delete(key);
    }
    const owner = before?.daemonSet ?? after!.daemonSet; // an orphaning counts against the DaemonSet it leaves
    if (owner) this.dirty.add(owner);
    return [{ resource: 'pods', key, type: changeType(before, after), position: event.position }];
  }

  /** Recomputes the status of DaemonSets whose inputs changed; reports those whose status did change. */
  flush(now: number): Change[] {
    const keys = this.allDirty ? [...this.daemonSets.keys()] : [...this.dirty];
    this.allDirty = false;
    this.dirty.clear();
    const changes: Change[] = [];
    for (const key of keys) {
      if (!this.daemonSets.get(key)?.record || !this.cluster.daemonSets.has(key)) continue;
      const status = computeStatus(this.cluster, key, now);
      const known = this.statuses.get(key);
      if (known && sameStatus(known.status, status)) continue;
      this.statuses.set(key, { status, position: this.position });
      if (known) changes.push({ resource: 'daemonsets', key, type: 'MODIFIED', position: this.position });
    }
    return changes;
  }

  /** The DaemonSet as `kubectl get ds -o yaml` shows it: stored spec, computed status, resourceVersion. */
  daemonSet(key: string): DaemonSet | undefined {
    const record = this.daemonSets.get(key)?.record;
    if (!record) return undefined;
    const object = presentDaemonSet(record);
    const status = this.statuses.get(key);
    const rv = Math.max(Number(record.resourceVersion), status?.position ?? 0);
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) }, status: status?.status ?? ZERO_STATUS };
  }
}

function changeType(before: unknown, after: unknown): Change['type'] {
  if (!after) return 'DELETED';
  return before ? 'MODIFIED' : 'ADDED';
}

const sameStatus = (a: DaemonSetStatus, b: DaemonSetStatus) =>
  (Object.keys(b) as (keyof DaemonSetStatus)[]).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;

// The reconciler's read model: only what placement, updates and status need. Views are values
// (replaced, never edited); the maps are folded in place by `evolve`.
import type { DaemonSetSpec, Labels, PodPhase, Taint } from '@everynode/contracts';

export interface NodeView {
  name: string;
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
  ready: 'True' | 'False' | 'Unknown';
}

export interface DaemonSetView {
  /** `${namespace}/${name}` */
  key: string;
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  templateHash: string;
  /** Defaulted: updateStrategy.type and (for RollingUpdate) rollingUpdate set, minReadySeconds set. */
  spec: DaemonSetSpec;
  /**
   * Every template hash this DaemonSet has had → its ControllerRevision number (the current one
   * included). A rollback reuses the earlier hash, so pods already running it count as updated.
   */
  revisions: Map<string, number>;
}

export interface PodView {
  /** `${namespace}/${name}` */
  key: string;
  namespace: string;
  name: string;
  /** The owning DaemonSet's key; null = orphan (cascade=orphan), never touched again except on NodeLeft. */
  daemonSet: string | null;
  /** The owner's uid at creation: a pod of a deleted-then-recreated DaemonSet is not the new one's. */
  daemonSetUid?: string;
  node: string;
  templateHash: string;
  generation: number;
  phase: PodPhase;
  ready: boolean;
  /** When the pod last became Ready (ms since epoch); null while not Ready. */
  readySince: number | null;
  /** Log position of its PodScheduled: the order of creation. */
  scheduledAt: number;
  // What clients see of a pod besides the above (`podRecordOf`): the scheduler keeps no second record per pod.
  uid: string;
  restarts: number;
  podIP: string | undefined;
  /** When its PodScheduled was recorded (ISO 8601): creationTimestamp. */
  createdAt: string;
  /** Log position of its latest change: its resourceVersion. */
  changedAt: number;
}

/** Failed pods of one (DaemonSet, node) slot: drives the exponential backoff of the replacement. */
export interface FailureRecord {
  count: number;
  /** ms since epoch of the last failure removal. */
  lastAt: number;
}

export interface ClusterState {
  nodes: Map<string, NodeView>;
  daemonSets: Map<string, DaemonSetView>;
  pods: Map<string, PodView>;
  /** Keyed by slotKey(ds, node); cleared when the node leaves or the DaemonSet changes generation. */
  failures: Map<string, FailureRecord>;
  /**
   * Slots whose pod was removed to be replaced (keyed by slotKey): names the next create's reason.
   * Cleared when a pod is placed there again, the node leaves, or the DaemonSet goes.
   */
  vacated: Map<string, 'Updated' | 'Replaced'>;
}

export const slotKey = (daemonSet: string, node: string) => `${daemonSet}|${node}`;
export const objectKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** A pod is the DaemonSet's if it carries its key and, when recorded, its uid (not a predecessor's). */
export const owns = (ds: DaemonSetView, pod: PodView) =>
  pod.daemonSet === ds.key && (pod.daemonSetUid === undefined || pod.daemonSetUid === ds.uid);

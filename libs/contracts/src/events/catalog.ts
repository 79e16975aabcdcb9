// The event catalog. Names are contracts; payloads may grow (add optional fields only).
import type { DaemonSet, Labels, PropagationPolicy, Taint } from '../k8s/objects';

export interface NodeAddress { type: 'InternalIP' | 'ExternalIP' | 'Hostname'; address: string }

export interface NodeInfo {
  kubeletVersion?: string;
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
  architecture?: string;
  operatingSystem?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeJoined {
  name: string;
  uid: string;
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
  podCIDR: string;
  addresses: NodeAddress[];
  capacity: Record<string, string>;
  nodeInfo: NodeInfo;
  ready: ConditionStatus;
}

export interface NodeUpdated {
  name: string;
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
}

export interface NodeReadinessChanged {
  name: string;
  status: ConditionStatus;
  reason: string;
}

export type NodeLeftReason = 'Deleted' | 'LeaseExpired';
export interface NodeLeft { name: string; reason: NodeLeftReason }

export interface DaemonSetCreated {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  /** Hash of spec.template only (the controller-revision-hash label). */
  templateHash: string;
  /** The ControllerRevision number of templateHash. */
  revision: number;
  /** The stored object: spec exactly as applied, plus defaults. */
  object: DaemonSet;
}
export type DaemonSetUpdated = DaemonSetCreated;

export interface DaemonSetDeleted {
  namespace: string;
  name: string;
  uid: string;
  propagationPolicy: PropagationPolicy;
}

export interface PodScheduled {
  pod: string;
  namespace: string;
  uid: string;
  daemonSet: string;
  daemonSetUid: string;
  node: string;
  templateHash: string;
  generation: number;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodStatusChanged {
  pod: string;
  namespace: string;
  node: string;
  phase: PodPhase;
  ready: boolean;
  podIP?: string;
  restarts: number;
  reason?: string;
}

/**
 * Many placements in one event: what the scheduler appends (DESIGN.md's PodScheduled, batched). Each member
 * is a whole PodScheduled; `podEventsOf` gives them back one by one. A converge of 150,000 pods wrote
 * 150,000 rows, relayed 150,000 messages and hashed 150,000 events; in batches the log, the relay, NATS
 * and every consumer pay per batch for what does not depend on the pod.
 */
export interface PodsScheduled {
  pods: PodScheduled[];
}

/** Many status changes in one event (one group of kubelet reports): members are whole PodStatusChanged. */
export interface PodStatusesChanged {
  statuses: PodStatusChanged[];
}

export type PodRemovedReason =
  | 'NodeLeft'
  | 'DaemonSetDeleted'
  | 'NoLongerMatches'
  | 'Duplicate'
  | 'Updated'
  | 'Failed'
  | 'Orphaned'
  | 'Deleted';

export interface PodRemoved {
  pod: string;
  namespace: string;
  daemonSet: string;
  node: string;
  reason: PodRemovedReason;
}

/** Many removals in one event (a node's pods when it leaves, a deleted DaemonSet's): members are whole PodRemoved. */
export interface PodsRemoved {
  pods: PodRemoved[];
}

/** cascade=orphan: the pod stays where it runs, without an owner. */
export interface PodOrphaned {
  pod: string;
  namespace: string;
  daemonSet: string;
  node: string;
}

export interface NamespaceCreated {
  name: string;
  uid: string;
  labels: Labels;
}

export interface NamespaceDeleted {
  name: string;
  uid: string;
}

export interface EventPayloads {
  NamespaceCreated: NamespaceCreated;
  NamespaceDeleted: NamespaceDeleted;
  NodeJoined: NodeJoined;
  NodeUpdated: NodeUpdated;
  NodeReadinessChanged: NodeReadinessChanged;
  NodeLeft: NodeLeft;
  DaemonSetCreated: DaemonSetCreated;
  DaemonSetUpdated: DaemonSetUpdated;
  DaemonSetDeleted: DaemonSetDeleted;
  PodScheduled: PodScheduled;
  PodStatusChanged: PodStatusChanged;
  PodRemoved: PodRemoved;
  PodOrphaned: PodOrphaned;
  PodsScheduled: PodsScheduled;
  PodStatusesChanged: PodStatusesChanged;
  PodsRemoved: PodsRemoved;
}

export type EventType = keyof EventPayloads;
export const EVENT_TYPES = [
  'NamespaceCreated', 'NamespaceDeleted',
  'NodeJoined', 'NodeUpdated', 'NodeReadinessChanged', 'NodeLeft',
  'DaemonSetCreated', 'DaemonSetUpdated', 'DaemonSetDeleted',
  'PodScheduled', 'PodStatusChanged', 'PodRemoved', 'PodOrphaned',
  'PodsScheduled', 'PodStatusesChanged', 'PodsRemoved',
] as const satisfies readonly EventType[];

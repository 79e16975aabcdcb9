// Commands and queries: core NATS request/reply, `<prefix>.cmd.<pattern>`, served by the owning service.
// Every command carries who asks and why, so the events it produces can name their cause.
import type { DaemonSet, Labels, PropagationPolicy, Taint } from '../k8s/objects';
import type { NodeAddress, NodeInfo } from '../events/catalog';

export interface CommandMeta {
  /** `admin`, `node:k8s-node01`, `service:gateway` … */
  actor: string;
  /** Becomes the causation id of the first event; a uuid per request. */
  requestId: string;
  /** e.g. `DELETE /api/v1/nodes/k8s-node02`, for the audit trail. */
  request?: string;
}

export const COMMANDS = {
  nodeJoin: 'node.join',
  nodeJoinMany: 'node.join-many',
  nodeUpdate: 'node.update',
  nodeLeave: 'node.leave',
  nodeHeartbeat: 'node.heartbeat',
  nodeGet: 'node.get',
  nodeList: 'node.list',
  daemonSetApply: 'daemonset.apply',
  daemonSetDelete: 'daemonset.delete',
  daemonSetGet: 'daemonset.get',
  daemonSetList: 'daemonset.list',
  podList: 'pod.list',
  podReportStatus: 'pod.status',
  podDelete: 'pod.delete',
  namespaceCreate: 'namespace.create',
  namespaceDelete: 'namespace.delete',
  namespaceGet: 'namespace.get',
  namespaceList: 'namespace.list',
  daemonSetStatus: 'daemonset.status',
  schedulerSync: 'scheduler.sync',
} as const;

export interface JoinNodeCommand {
  meta: CommandMeta;
  name: string;
  labels?: Labels;
  taints?: Taint[];
  unschedulable?: boolean;
  podCIDR?: string;
  addresses?: NodeAddress[];
  capacity?: Record<string, string>;
  nodeInfo?: NodeInfo;
}

/** The node's new labels / taints / unschedulable, whole (the caller merged its patch). */
export interface UpdateNodeCommand {
  meta: CommandMeta;
  name: string;
  labels?: Labels;
  taints?: Taint[];
  unschedulable?: boolean;
  /** Optimistic concurrency: the resourceVersion the caller read, if any. */
  resourceVersion?: string;
}

export interface LeaveNodeCommand {
  meta: CommandMeta;
  name: string;
}

export interface HeartbeatCommand {
  names: string[];
}

export interface ApplyDaemonSetCommand {
  meta: CommandMeta;
  /** The manifest as written (YAML or JSON text), or an already-parsed object. */
  manifest: string | Record<string, unknown>;
  /** Used when the manifest names no namespace. */
  namespace?: string;
  /** create: 409 if it exists; update: 404 if missing; apply: either. */
  mode?: 'create' | 'update' | 'apply';
  /** Validate and answer, append nothing. */
  dryRun?: boolean;
  resourceVersion?: string;
}

export interface DeleteDaemonSetCommand {
  meta: CommandMeta;
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy;
}

export interface GetDaemonSetQuery {
  namespace: string;
  name: string;
}

export interface ListDaemonSetsQuery {
  namespace?: string;
}

export interface ListPodsQuery {
  namespace?: string;
  daemonSet?: string;
  node?: string;
  /** Only pods on these nodes (a node agent's share). */
  nodes?: string[];
  /** Page size (default and maximum 2000: a NATS message holds at most 1 MiB). */
  limit?: number;
  /** The `continue` token of the previous page. */
  continue?: string;
}

export interface PodList {
  items: PodRecord[];
  /** The log position the list reflects. */
  resourceVersion: string;
  /** Present when more pods follow: pass it back as `continue`. */
  continue?: string;
}

/** Many nodes registering at once (a node agent with thousands of nodes): one transaction. */
export interface JoinNodesCommand {
  meta: CommandMeta;
  nodes: Omit<JoinNodeCommand, 'meta'>[];
}

export interface NodeRecord {
  name: string;
  uid: string;
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
  podCIDR: string;
  addresses: NodeAddress[];
  capacity: Record<string, string>;
  nodeInfo: NodeInfo;
  ready: 'True' | 'False' | 'Unknown';
  readyReason: string;
  createdAt: string;
  /** Log position of the node's last event: its resourceVersion. */
  resourceVersion: string;
}

export interface DaemonSetRecord {
  object: DaemonSet;
  templateHash: string;
  revision: number;
}

export interface PodRecord {
  namespace: string;
  name: string;
  uid: string;
  daemonSet: string | null;
  node: string;
  templateHash: string;
  generation: number;
  phase: string;
  ready: boolean;
  podIP?: string;
  restarts: number;
  createdAt: string;
  resourceVersion: string;
}

/** A node agent reports what its pods are doing; only changes become events. */
export interface PodStatusReport {
  namespace: string;
  pod: string;
  node: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready: boolean;
  podIP?: string;
  restarts: number;
  reason?: string;
}

export interface ReportPodStatusCommand {
  meta: CommandMeta;
  reports: PodStatusReport[];
}

/** `kubectl delete pod`: the pod goes; its DaemonSet puts a new one in its place. */
export interface DeletePodCommand {
  meta: CommandMeta;
  namespace: string;
  name: string;
}

export interface CreateNamespaceCommand {
  meta: CommandMeta;
  name: string;
  labels?: Labels;
}

export interface NamespaceRecord {
  name: string;
  uid: string;
  labels: Labels;
  phase: 'Active' | 'Terminating';
  createdAt: string;
  resourceVersion: string;
}

// Server-side printing of kubectl get: columns and cells exactly as the upstream printers
// (pkg/printers/internalversion/printers.go) produce them for the wide output; kubectl hides the
// priority-1 columns itself unless `-o wide`.
import type { DaemonSet, LabelSelector } from '@everynode/contracts';
import { ageOf, humanDuration } from './human-duration';
import { formatLabels, formatLabelSelector } from './selectors';

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

const column = (name: string, type: TableColumnDefinition['type'], description: string, priority = 0, format = ''): TableColumnDefinition =>
  ({ name, type, format, description, priority });

// Descriptions are the API's field docs, as upstream fills them from SwaggerDoc().
const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to ' +
  'request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and ' +
  'configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in ' +
  'happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n' +
  'Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const DAEMONSET_DOC = 'More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/';
const CONTAINERS_DOC = 'Names of each container in the template.';
const IMAGES_DOC = 'Images referenced by each container in the template.';
const ADDRESSES_DOC =
  'List of addresses reachable to the node. Queried from cloud provider, if available. More info: ' +
  'https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not ' +
  'sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. ' +
  'See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. ' +
  "However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status " +
  'or consumers of the downward API (status.hostIP).';

const nameColumn = () => column('Name', 'string', NAME_DOC, 0, 'name');
const ageColumn = () => column('Age', 'string', AGE_DOC);

export const DAEMONSET_COLUMNS: readonly TableColumnDefinition[] = [
  nameColumn(),
  column('Desired', 'integer', `The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). ${DAEMONSET_DOC}`),
  column('Current', 'integer', `The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. ${DAEMONSET_DOC}`),
  column('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
  column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
  column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
  column('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
  ageColumn(),
  column('Containers', 'string', CONTAINERS_DOC, 1),
  column('Images', 'string', IMAGES_DOC, 1),
  column('Selector', 'string', "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
];

export const POD_COLUMNS: readonly TableColumnDefinition[] = [
  nameColumn(),
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn(),
  column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  column('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename', 1),
  column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.', 1),
  column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', 1),
];

export const NODE_COLUMNS: readonly TableColumnDefinition[] = [
  nameColumn(),
  column('Status', 'string', 'The status of the node'),
  column('Roles', 'string', 'The roles of the node'),
  ageColumn(),
  column('Version', 'string', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'string', ADDRESSES_DOC, 1),
  column('External-IP', 'string', ADDRESSES_DOC, 1),
  column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
  column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
  column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
];

export const NAMESPACE_COLUMNS: readonly TableColumnDefinition[] = [
  nameColumn(),
  column('Status', 'string', 'The status of the namespace'),
  ageColumn(),
];

// ---- the object shapes the printers read (JSON as stored; every field optional) ----

interface Metadata {
  name?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
}

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; finishedAt?: string };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}

export interface PodObject {
  metadata?: Metadata;
  spec?: {
    nodeName?: string;
    containers?: { name?: string }[];
    initContainers?: { name?: string; restartPolicy?: string }[];
    readinessGates?: { conditionType?: string }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    podIPs?: { ip?: string }[];
    nominatedNodeName?: string;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface NodeObject {
  metadata?: Metadata;
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: Condition[];
    addresses?: { type?: string; address?: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

export interface NamespaceObject {
  metadata?: Metadata;
  status?: { phase?: string };
}

export type DaemonSetObject = Partial<Omit<DaemonSet, 'metadata'>> & { metadata?: Metadata };

// ---- DaemonSet ----

function layoutContainerCells(containers: readonly { name?: string; image?: string }[]): [string, string] {
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}

export function daemonSetCells(ds: DaemonSetObject, now: number): TableCell[] {
  const status = ds.status;
  const podSpec = ds.spec?.template?.spec;
  const [names, images] = layoutContainerCells(podSpec?.containers ?? []);
  return [
    ds.metadata?.name ?? '',
    status?.desiredNumberScheduled ?? 0,
    status?.currentNumberScheduled ?? 0,
    status?.numberReady ?? 0,
    status?.updatedNumberScheduled ?? 0,
    status?.numberAvailable ?? 0,
    formatLabels(podSpec?.nodeSelector),
    ageOf(ds.metadata?.creationTimestamp, now),
    names,
    images,
    formatLabelSelector(ds.spec?.selector as LabelSelector | undefined),
  ];
}

// ---- Pod ----

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const timeOf = (timestamp: string | undefined) => (timestamp ? Date.parse(timestamp) || 0 : 0);
const isRestartable = (container: { restartPolicy?: string } | undefined) => container?.restartPolicy === 'Always';
const hasCondition = (conditions: Condition[] | undefined, type: string) => (conditions ?? []).some((c) => c.type === type && c.status === 'True');

/** printPod: READY `ready/total`, STATUS (reason, init progress, container reasons, Terminating), RESTARTS `n (age ago)`. */
export function podCells(pod: PodObject, now: number): TableCell[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initContainers = spec.initContainers ?? [];
  let restarts = 0;
  let restartableInitRestarts = 0;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let totalContainers = (spec.containers ?? []).length + initContainers.filter(isRestartable).length;

  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initStatuses = status.initContainerStatuses ?? [];
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const restartable = isRestartable(initContainers.find((c) => c.name === container.name));
    const finished = timeOf(container.lastState?.terminated?.finishedAt);
    restarts += container.restartCount ?? 0;
    if (container.lastState?.terminated) lastRestart = Math.max(lastRestart, finished);
    if (restartable) {
      restartableInitRestarts += container.restartCount ?? 0;
      if (container.lastState?.terminated) lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finished);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      restarts += container.restartCount ?? 0;
      if (container.lastState?.terminated) lastRestart = Math.max(lastRestart, timeOf(container.lastState.terminated.finishedAt));
      const { waiting, terminated, running } = container.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (container.ready && running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);

  const gates = spec.readinessGates ?? [];
  const readinessGates = gates.length === 0 ? '<none>'
    : `${gates.filter((gate) => (status.conditions ?? []).find((c) => c.type === gate.conditionType)?.status === 'True').length}/${gates.length}`;

  return [
    pod.metadata?.name ?? '',
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod.metadata?.creationTimestamp, now),
    status.podIPs?.[0]?.ip || status.podIP || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates,
  ];
}

/** Succeeded and Failed pods carry a Completed row condition, as upstream marks them. */
export function podRowConditions(pod: PodObject): TableRowCondition[] | undefined {
  if (pod.status?.phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (pod.status?.phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

// ---- Node ----

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(labels: Readonly<Record<string, string>> | undefined): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(NODE_ROLE_PREFIX)) {
      const role = key.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (key === NODE_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

export function nodeCells(node: NodeObject, now: number): TableCell[] {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const info = node.status?.nodeInfo ?? {};
  const address = (type: string) => (node.status?.addresses ?? []).find((a) => a?.type === type)?.address ?? '<none>';
  return [
    node.metadata?.name ?? '',
    status.join(','),
    nodeRoles(node.metadata?.labels).join(',') || '<none>',
    ageOf(node.metadata?.creationTimestamp, now),
    info.kubeletVersion ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

// ---- Namespace ----

export function namespaceCells(namespace: NamespaceObject, now: number): TableCell[] {
  return [namespace.metadata?.name ?? '', namespace.status?.phase ?? '', ageOf(namespace.metadata?.creationTimestamp, now)];
}

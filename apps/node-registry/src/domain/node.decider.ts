// Pure decisions of the node registry: (the node's current state, a command) -> the events to append.
import type { NodeState } from '@everynode/read-models';
import {
  badRequest,
  CommandMeta,
  conflict,
  ConditionStatus,
  EventMetadata,
  JoinNodeCommand,
  NewEvent,
  NodeJoined,
  NodeLeft,
  NodeLeftReason,
  NodeReadinessChanged,
  NodeUpdated,
  notFound,
  Taint,
  UpdateNodeCommand,
} from '@everynode/contracts';


export interface DecisionContext {
  newId: () => string;
  /** A free pod CIDR for a node that brings none. */
  podCIDR: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

const metadataOf = (meta: CommandMeta): EventMetadata => ({
  causationId: meta.requestId,
  correlationId: meta.requestId,
  actor: meta.actor,
  ...(meta.request ? { request: meta.request } : {}),
});

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    throw badRequest(
      `node name ${JSON.stringify(name)} is invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return name;
}

function checkTaints(taints: Taint[] | undefined): Taint[] {
  for (const t of taints ?? []) {
    if (!t || typeof t.key !== 'string' || !t.key || !TAINT_EFFECTS.has(t.effect)) {
      throw badRequest(`invalid taint ${JSON.stringify(t)}: key required, effect one of NoSchedule, PreferNoSchedule, NoExecute`);
    }
  }
  return taints ?? [];
}

export function decideJoin(state: NodeState, cmd: JoinNodeCommand, ctx: DecisionContext): NewEvent<'NodeJoined', NodeJoined>[] {
  const name = checkName(cmd.name);
  // A kubelet registering again is not a new member: nothing to record.
  if (state.node) return [];
  const data: NodeJoined = {
    name,
    uid: ctx.newId(),
    labels: {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      ...(cmd.labels ?? {}),
    },
    taints: checkTaints(cmd.taints),
    unschedulable: cmd.unschedulable ?? false,
    podCIDR: cmd.podCIDR ?? ctx.podCIDR,
    addresses: cmd.addresses ?? [],
    capacity: cmd.capacity ?? { cpu: '4', memory: '8Gi', pods: '110' },
    nodeInfo: cmd.nodeInfo ?? {},
    ready: 'True',
  };
  return [{ eventId: ctx.newId(), type: 'NodeJoined', data, metadata: metadataOf(cmd.meta) }];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortedLabels = (l: Record<string, string>) => Object.fromEntries(Object.entries(l).sort(([a], [b]) => a.localeCompare(b)));

export function decideUpdate(state: NodeState, cmd: UpdateNodeCommand, ctx: Pick<DecisionContext, 'newId'>): NewEvent<'NodeUpdated', NodeUpdated>[] {
  const node = state.node;
  if (!node) throw notFound('nodes', cmd.name);
  if (cmd.resourceVersion && cmd.resourceVersion !== node.resourceVersion) {
    throw conflict('nodes', cmd.name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  const next: NodeUpdated = {
    name: node.name,
    labels: cmd.labels ?? node.labels,
    taints: cmd.taints !== undefined ? checkTaints(cmd.taints) : node.taints,
    unschedulable: cmd.unschedulable ?? node.unschedulable,
  };
  const unchanged =
    sameJson(sortedLabels(next.labels), sortedLabels(node.labels)) &&
    sameJson(next.taints, node.taints) &&
    next.unschedulable === node.unschedulable;
  if (unchanged) return [];
  return [{ eventId: ctx.newId(), type: 'NodeUpdated', data: next, metadata: metadataOf(cmd.meta) }];
}

export function decideLeave(
  state: NodeState,
  name: string,
  reason: NodeLeftReason,
  metadata: EventMetadata,
  ctx: Pick<DecisionContext, 'newId'>,
): NewEvent<'NodeLeft', NodeLeft>[] {
  if (!state.node) throw notFound('nodes', name);
  return [{ eventId: ctx.newId(), type: 'NodeLeft', data: { name, reason }, metadata }];
}

export function decideReadiness(
  state: NodeState,
  status: ConditionStatus,
  reason: string,
  metadata: EventMetadata,
  ctx: Pick<DecisionContext, 'newId'>,
): NewEvent<'NodeReadinessChanged', NodeReadinessChanged>[] {
  if (!state.node || state.node.ready === status) return [];
  return [{ eventId: ctx.newId(), type: 'NodeReadinessChanged', data: { name: state.node.name, status, reason }, metadata }];
}

export { metadataOf };
export type { NodeState };

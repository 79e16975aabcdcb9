// Node writes: labels, taints and cordon (`kubectl label`, `taint`, `cordon`) become one node.update
// command with the node's new sets; delete is node.leave; create registers a node.
import { Injectable } from '@nestjs/common';
import { alreadyExists, badRequest, COMMANDS, conflict, KubeStatusError, notFound } from '@everynode/contracts';
import type { Taint } from '@everynode/contracts';
import { AuthRefusals } from '../auth/auth-refusals.service';
import { admitNodeWrite, type NodeFields } from '../auth/node-restriction';
import { type Caller, CommandBus } from '../commands/command-bus.service';
import { invalid, nameMismatch } from '../http/kube-errors';
import { APPLY_PATCH, appliedConfiguration, applyPatch, patchNamesVersion, patchTypeOf, resourceVersionOf } from '../http/patch';
import { parseObjectBody } from '../http/raw-body';
import { serverSideApply } from '../kube';
// Not re-exported by kube/index.ts (yet): the label rules of k8s.io/apimachinery validation.
import { dns1123Subdomain, labelValueErrors, qualifiedNameErrors } from '../kube/label-validation';
import { decodeNodeStatus } from '../kube/node-status';
import { taintErrors } from '../kube/taint-validation';
import { KINDS, type KubeObject } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';

const NODES = KINDS.nodes;
const PATCH_ATTEMPTS = 5;

type Body = Record<string, unknown> & { metadata?: { name?: unknown; labels?: unknown; resourceVersion?: unknown }; spec?: { taints?: unknown; unschedulable?: unknown } };

/** metadata.labels checked as the API server checks them (ValidateLabels). */
export function validLabels(kind: string, name: string, labels: unknown): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) throw badRequest('metadata.labels must be a map of strings');
  const causes: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof value !== 'string') throw badRequest(`metadata.labels.${key} must be a string`);
    for (const e of qualifiedNameErrors(key)) causes.push({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(key)}: ${e}` });
    for (const e of labelValueErrors(value)) causes.push({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(value)}: ${e}` });
  }
  if (causes.length) throw invalid(kind, name, causes);
  return labels as Record<string, string>;
}

/** spec.taints checked as the API server checks them (validateNodeTaints). */
function taintsOf(name: string, spec: Body['spec']): Taint[] {
  const { taints, causes } = taintErrors(spec?.taints);
  if (causes.length) throw invalid('Node', name, causes);
  return taints;
}

@Injectable()
export class NodeWrites {
  constructor(
    private readonly bus: CommandBus,
    private readonly objects: KubeObjects,
    private readonly refusals: AuthRefusals,
  ) {}

  async create(body: Buffer, contentType: string | undefined, caller: Caller): Promise<KubeObject> {
    const node = parseObjectBody(body, contentType) as Body & { status?: unknown };
    const name = node.metadata?.name;
    if (typeof name !== 'string' || !name) throw badRequest('Node "" is invalid: metadata.name: Required value: name or generateName is required');
    const nameErrors = dns1123Subdomain(name);
    if (nameErrors.length) throw invalid('Node', name, nameErrors.map((e) => ({ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${e}` })));
    const labels = validLabels('Node', name, node.metadata?.labels);
    // The registry labels a node with its name unless told otherwise, and a label value has at most 63 characters.
    if (!Object.hasOwn(labels, 'kubernetes.io/hostname')) validLabels('Node', name, { 'kubernetes.io/hostname': name });
    const taints = taintsOf(name, node.spec);
    const status = decodeNodeStatus(node.status);
    this.admit(caller, name, undefined, { labels, taints });
    if (this.objects.get(NODES, undefined, name)) throw alreadyExists('nodes', name);
    const spec = (node.spec ?? {}) as Record<string, unknown>;
    await this.bus.send(
      COMMANDS.nodeJoin,
      {
        name,
        labels,
        taints,
        unschedulable: spec.unschedulable === true,
        ...(typeof spec.podCIDR === 'string' ? { podCIDR: spec.podCIDR } : {}),
        ...status,
      },
      caller,
    );
    return this.objects.require(NODES, undefined, name);
  }

  /** PUT: the body is the whole node; only labels, taints and unschedulable are writable. */
  async replace(name: string, body: Buffer, contentType: string | undefined, caller: Caller): Promise<KubeObject> {
    const next = parseObjectBody(body, contentType) as Body;
    return this.update(name, this.objects.require(NODES, undefined, name), next, caller);
  }

  /** PATCH: applied to the node as read; retried on a conflict unless the patch named a resourceVersion. */
  async patch(name: string, body: Buffer, contentType: string | undefined, fieldManager: string | undefined, caller: Caller): Promise<KubeObject> {
    const type = patchTypeOf(contentType);
    const applied = type === APPLY_PATCH ? appliedConfiguration(body, name) : undefined;
    const patched = (base: object): Body => (applied ? (serverSideApply(base, applied, fieldManager ?? '') as Body) : applyPatch(type, base, body));
    for (let attempt = 1; ; attempt++) {
      const current = this.objects.require(NODES, undefined, name);
      try {
        return await this.update(name, current, patched(current), caller);
      } catch (error) {
        const retry = error instanceof KubeStatusError && error.status.reason === 'Conflict' && attempt < PATCH_ATTEMPTS && !patchNamesVersion(patched, current);
        if (!retry) throw error;
        await this.bus.settle(); // read what the winner wrote before patching again
      }
    }
  }

  /**
   * PUT or PATCH of `nodes/<name>/status`: the kubelet's heartbeat. It renews the node's lease; what it
   * writes is not kept (readiness is computed from the leases, as DaemonSet status is from the log).
   */
  async heartbeat(name: string, caller: Caller): Promise<KubeObject> {
    this.objects.require(NODES, undefined, name);
    const { unknown } = await this.bus.send<{ unknown: string[] }>(COMMANDS.nodeHeartbeat, { names: [name] }, caller);
    if (unknown.includes(name)) throw notFound('nodes', name);
    return this.objects.require(NODES, undefined, name);
  }

  async delete(name: string, caller: Caller): Promise<KubeObject> {
    const node = this.objects.require(NODES, undefined, name);
    await this.bus.send(COMMANDS.nodeLeave, { name }, caller);
    return node;
  }

  private async update(name: string, current: KubeObject, next: Body, caller: Caller): Promise<KubeObject> {
    if (next.metadata?.name !== undefined && next.metadata.name !== name) throw nameMismatch(next.metadata.name, name);
    const rv = resourceVersionOf(next);
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict('nodes', name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const labels = validLabels('Node', name, next.metadata?.labels);
    const taints = taintsOf(name, next.spec);
    const { spec } = current as { spec?: { taints?: Taint[] } };
    this.admit(caller, name, { labels: current.metadata.labels ?? {}, taints: spec?.taints ?? [] }, { labels, taints });
    await this.bus.send(
      COMMANDS.nodeUpdate,
      {
        name,
        labels,
        taints,
        unschedulable: next.spec?.unschedulable === true,
        resourceVersion: current.metadata.resourceVersion,
      },
      caller,
    );
    return this.objects.require(NODES, undefined, name);
  }

  /** NodeRestriction: a node token writes only its own Node, and not its taints. */
  private admit(caller: Caller, name: string, current: NodeFields | undefined, next: NodeFields): void {
    const refused = admitNodeWrite(caller.node, name, current, next);
    if (refused) throw this.refusals.refuse(refused, caller);
  }
}

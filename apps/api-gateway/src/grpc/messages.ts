// Contracts objects as everynode.v1 messages (proto-loader's camelCase JS shape), and back for inputs.
import type { DaemonSet, NodeRecord, PodRecord, RecordedEvent } from '@everynode/contracts';
import { describeEvent } from '@everynode/audit';

export function nodeMessage(n: NodeRecord) {
  return {
    name: n.name,
    uid: n.uid,
    labels: n.labels ?? {},
    taints: (n.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
    unschedulable: n.unschedulable,
    podCidr: n.podCIDR ?? '',
    addresses: n.addresses ?? [],
    capacity: n.capacity ?? {},
    nodeInfo: n.nodeInfo ?? {},
    ready: n.ready,
    readyReason: n.readyReason ?? '',
    createdAt: n.createdAt,
    resourceVersion: n.resourceVersion,
  };
}

export function daemonSetMessage(ds: DaemonSet) {
  const s = ds.status;
  return {
    namespace: ds.metadata.namespace ?? '',
    name: ds.metadata.name ?? '',
    uid: ds.metadata.uid ?? '',
    generation: ds.metadata.generation ?? 0,
    resourceVersion: ds.metadata.resourceVersion ?? '',
    creationTimestamp: ds.metadata.creationTimestamp ?? '',
    status: s
      ? {
          currentNumberScheduled: s.currentNumberScheduled,
          numberMisscheduled: s.numberMisscheduled,
          desiredNumberScheduled: s.desiredNumberScheduled,
          numberReady: s.numberReady,
          observedGeneration: s.observedGeneration ?? 0,
          updatedNumberScheduled: s.updatedNumberScheduled ?? 0,
          numberAvailable: s.numberAvailable ?? 0,
          numberUnavailable: s.numberUnavailable ?? 0,
        }
      : null,
    objectJson: JSON.stringify(ds),
  };
}

export function podMessage(p: PodRecord) {
  return {
    namespace: p.namespace,
    name: p.name,
    uid: p.uid,
    daemonSet: p.daemonSet ?? '',
    node: p.node,
    templateHash: p.templateHash,
    generation: p.generation,
    phase: p.phase,
    ready: p.ready,
    podIp: p.podIP ?? '',
    restarts: p.restarts,
    createdAt: p.createdAt,
    resourceVersion: p.resourceVersion,
  };
}

export function eventMessage(e: RecordedEvent) {
  const m = e.metadata;
  return {
    position: e.position,
    eventId: e.eventId,
    type: e.type,
    stream: e.stream,
    streamVersion: e.streamVersion,
    recordedAt: e.recordedAt,
    dataJson: JSON.stringify(e.data ?? null),
    causationId: m.causationId ?? '',
    correlationId: m.correlationId ?? '',
    actor: m.actor ?? '',
    request: typeof m.request === 'string' ? m.request : '',
    metadataJson: JSON.stringify(m),
    hash: e.hash,
    prevHash: e.prevHash,
    summary: describeEvent(e),
  };
}

/** google.protobuf.Value as proto-loader decodes it (`kind` names the set field). */
export interface ProtoValue {
  kind?: string;
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct | null;
  listValue?: { values?: ProtoValue[] } | null;
}
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export function structToJson(struct: ProtoStruct | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(struct?.fields ?? {}).map(([k, v]) => [k, valueToJson(v)]));
}

function valueToJson(v: ProtoValue): unknown {
  switch (v.kind) {
    case 'numberValue':
      return v.numberValue;
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'structValue':
      return structToJson(v.structValue);
    case 'listValue':
      return (v.listValue?.values ?? []).map(valueToJson);
    default:
      return null;
  }
}

// A synthetic but consistent cluster history, hash-chained exactly like the real log: what the services
// would have recorded for N nodes and M DaemonSets, a rolling update, readiness flaps and steady node
// churn. The replay benchmark needs a log of a million events in seconds, not hours of a real cluster.
import { daemonSetStream, namespaceStream, nodeStream, POD_BATCHES, podBatchPayloads, podBatchStream, podStream } from '@everynode/contracts';
import type { DaemonSet, EventMetadata, PodBatchType, RecordedEvent } from '@everynode/contracts';
import { computeEventHash, GENESIS_HASH, newEventId } from '@everynode/event-store';
import { evolveDaemonSet, initialDaemonSetState, initialNodeState } from '@everynode/read-models';
// The services' own deciders make the node and DaemonSet events as they would be logged.
import { decideApply } from '../../apps/daemonset-spec/src/decider/daemonset.decider';
import { decideJoin } from '../../apps/node-registry/src/domain/node.decider';

export interface HistoryShape {
  /** At least this many events (the last churned nodes leave, so it ends a little above). */
  events: number;
  /** Nodes that stay (fewer when `events` is too small to hold them). */
  nodes: number;
  daemonSets: number;
  namespace?: string;
  /** Churned nodes present at once: a node leaves this many joins after it joined. */
  churnWindow?: number;
  /**
   * Pod events one per pod (PodScheduled, PodStatusChanged, PodRemoved), as the log held them before the
   * batches: the `limits` sample, so that the loop's events/s stays a rate of per-pod decisions.
   */
  podEventsAlone?: boolean;
}

interface Draft {
  stream: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  eventId?: string;
}

/** Positions, stream versions, recorded-at times (one per transaction) and the hash chain. */
class ChainedLog {
  position = 0;
  private prevHash = GENESIS_HASH;
  private readonly versions = new Map<string, number>();

  constructor(private clock: number) {}

  /** One transaction: its events share one recorded-at time. */
  commit(drafts: Draft[]): RecordedEvent[] {
    this.clock += 1 + (this.position % 5);
    const recordedAt = new Date(this.clock).toISOString();
    return drafts.map((d) => {
      const streamVersion = (this.versions.get(d.stream) ?? 0) + 1;
      this.versions.set(d.stream, streamVersion);
      const event = { position: ++this.position, eventId: d.eventId ?? newEventId(), stream: d.stream, streamVersion, type: d.type, data: d.data, metadata: d.metadata, recordedAt, hash: '', prevHash: this.prevHash };
      this.prevHash = event.hash = computeEventHash(this.prevHash, event);
      return event;
    });
  }
}

interface DaemonSetInfo {
  name: string;
  uid: string;
  templateHash: string;
  generation: number;
  cause: { eventId: string; correlationId: string };
  pods: number;
}

interface Pod {
  name: string;
  ds: DaemonSetInfo;
  node: string;
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
/** A pod name suffix from a counter: unique without a set of every name ever used. */
const suffix = (n: number) => Array.from({ length: 5 }, (_, i) => SUFFIX[Math.floor(n / SUFFIX.length ** i) % SUFFIX.length]).join('');

export const manifest = (name: string, namespace: string, image = `example/${name}:1`): DaemonSet =>
  ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  }) as unknown as DaemonSet;

/** Transactions of events, in log order. Pure CPU: hashing is most of its cost (about 10 µs per event). */
export function* clusterHistory(shape: HistoryShape, startMs = Date.now() - 6 * 3_600_000): Generator<RecordedEvent[]> {
  const ns = shape.namespace ?? 'bench';
  const m = shape.daemonSets;
  const window = shape.churnWindow ?? 100;
  const log = new ChainedLog(startMs);
  const nodePods = new Map<string, Pod[]>();
  const human = (request: string): EventMetadata => {
    const id = newEventId();
    return { causationId: id, correlationId: id, actor: 'admin', request };
  };
  const byScheduler = (cause: { eventId: string; correlationId: string }, reason: string): EventMetadata => ({
    causationId: cause.eventId,
    correlationId: cause.correlationId,
    actor: 'service:scheduler',
    reason,
  });
  const causeOf = (d: Draft) => ({ eventId: d.eventId!, correlationId: d.metadata.correlationId });
  let nodeNo = 0;

  yield log.commit([{ stream: namespaceStream(ns), type: 'NamespaceCreated', data: { name: ns, uid: newEventId(), labels: { 'kubernetes.io/metadata.name': ns } }, metadata: human(`POST /api/v1/namespaces`) }]);

  const daemonSets: DaemonSetInfo[] = [];
  let firstCreated: RecordedEvent | undefined;
  for (let i = 1; i <= m; i++) {
    const name = `ds-${String(i).padStart(2, '0')}`;
    const [e] = decideApply(initialDaemonSetState(), { meta: { actor: 'admin', requestId: newEventId(), request: 'kubectl apply' }, manifest: manifest(name, ns), mode: 'apply' }, { newId: newEventId, now: () => new Date(startMs).toISOString() });
    const draft = { stream: daemonSetStream(ns, name), ...e };
    const [recorded] = log.commit([draft]);
    firstCreated ??= recorded;
    yield [recorded];
    daemonSets.push({ name, uid: e.data.uid, templateHash: e.data.templateHash, generation: 1, cause: causeOf(draft), pods: 0 });
  }

  const place = (ds: DaemonSetInfo, node: string, cause: { eventId: string; correlationId: string }, reason: string): Draft => {
    const pod: Pod = { name: `${ds.name}-${suffix(ds.pods++)}`, ds, node };
    nodePods.get(node)!.push(pod);
    return {
      stream: podStream(ns, pod.name),
      type: 'PodScheduled',
      eventId: newEventId(),
      data: { pod: pod.name, namespace: ns, uid: newEventId(), daemonSet: ds.name, daemonSetUid: ds.uid, node, templateHash: ds.templateHash, generation: ds.generation },
      metadata: byScheduler(cause, reason),
    };
  };
  const running = (pod: Pod, ip: number) => {
    const no = Number(pod.node.slice(pod.node.lastIndexOf('-') + 1)) || 0;
    return { pod: pod.name, namespace: ns, node: pod.node, phase: 'Running', ready: true, podIP: `10.${64 + ((no >> 16) & 63)}.${(no >> 8) & 255}.${(no & 255) ^ (ip & 255)}`, restarts: 0 };
  };
  /** Batches as the scheduler appends them: placements of one cause, status changes of one report. */
  const batches = (type: PodBatchType, members: unknown[], metadata: () => EventMetadata): Draft[] => {
    if (shape.podEventsAlone) {
      return members.map((data) => {
        const d = data as { namespace: string; pod: string };
        return { stream: podStream(d.namespace, d.pod), type: POD_BATCHES[type].member, eventId: newEventId(), data, metadata: metadata() };
      });
    }
    return podBatchPayloads(type, members).map((data) => {
      const eventId = newEventId();
      return { stream: podBatchStream(eventId), type, eventId, data, metadata: metadata() };
    });
  };
  const placed = (drafts: Draft[], cause: { eventId: string; correlationId: string }, reason: string) =>
    batches('PodsScheduled', drafts.map((d) => d.data), () => byScheduler(cause, reason));
  const reported = (pods: Pod[], ip: (i: number) => number) =>
    batches('PodStatusesChanged', pods.map((p, i) => running(p, ip(i))), () => {
      const requestId = newEventId();
      return { actor: 'node-agent:bench', causationId: requestId, correlationId: requestId, request: 'pod status' };
    });
  const removed = (pods: Pod[], cause: { eventId: string; correlationId: string }, reason: string) =>
    batches('PodsRemoved', pods.map((pod) => ({ pod: pod.name, namespace: ns, daemonSet: pod.ds.name, node: pod.node, reason })), () => byScheduler(cause, reason));
  const joinDraft = (name: string): Draft => {
    const no = nodeNo++;
    const [e] = decideJoin(
      initialNodeState(),
      { meta: { actor: `node:${name}`, requestId: newEventId() }, name, addresses: [{ type: 'InternalIP', address: `10.0.${(no >> 8) & 255}.${no & 255}` }] },
      { newId: newEventId, podCIDR: `10.${64 + ((no >> 16) & 63)}.${(no >> 8) & 255}.0/24` },
    );
    nodePods.set(name, []);
    return { stream: nodeStream(name), ...e };
  };
  /** Nodes join (one transaction, as the node agent's join-many), the scheduler places, the kubelets report. */
  const join = (names: string[]): RecordedEvent[] => {
    const joins = names.map(joinDraft);
    const placements = joins.flatMap((j) => placed(daemonSets.map((ds) => place(ds, (j.data as { name: string }).name, causeOf(j), 'NodeJoined')), causeOf(j), 'NodeJoined'));
    return [...log.commit(joins), ...log.commit(placements), ...log.commit(names.flatMap((n) => reported(nodePods.get(n)!, (i) => i + 2)))];
  };
  const leave = (name: string): RecordedEvent[] => {
    const left: Draft = { stream: nodeStream(name), type: 'NodeLeft', eventId: newEventId(), data: { name, reason: 'Deleted' }, metadata: human(`DELETE /api/v1/nodes/${name}`) };
    const pods = nodePods.get(name)!;
    nodePods.delete(name);
    return [...log.commit([left]), ...log.commit(removed(pods, causeOf(left), 'NodeLeft'))];
  };

  // The nodes that stay, registered by an agent in groups of 100.
  /** Events of a node's pods' placement (or status report, or removal): one batch, or one per pod. */
  const perNodePods = shape.podEventsAlone ? m : 1;
  const perStayingNode = 1 + 2 * perNodePods; // its NodeJoined, its pods' placements and status changes
  const staying = Math.max(1, Math.min(shape.nodes, Math.floor((shape.events * 0.45) / perStayingNode)));
  const stayingNames = Array.from({ length: staying }, (_, i) => `node-${String(i + 1).padStart(5, '0')}`);
  for (let i = 0; i < staying; i += 100) yield join(stayingNames.slice(i, i + 100));

  // A rolling update of the first DaemonSet (maxUnavailable 1: node by node).
  if (firstCreated && log.position + staying * 3 < shape.events * 0.6) {
    const ds = daemonSets[0];
    const [e] = decideApply(
      evolveDaemonSet(initialDaemonSetState(), firstCreated),
      { meta: { actor: 'admin', requestId: newEventId(), request: 'kubectl apply' }, manifest: manifest(ds.name, ns, `example/${ds.name}:2`), mode: 'apply' },
      { newId: newEventId, now: () => new Date(startMs).toISOString() },
    );
    const updated: Draft = { stream: daemonSetStream(ns, ds.name), ...e };
    yield log.commit([updated]);
    Object.assign(ds, { templateHash: e.data.templateHash, generation: 2, cause: causeOf(updated) });
    for (const node of stayingNames) {
      const pods = nodePods.get(node)!;
      const old = pods.findIndex((p) => p.ds === ds);
      const gone = log.commit(removed([pods[old]], ds.cause, 'Updated'));
      pods.splice(old, 1);
      yield [...gone, ...log.commit(placed([place(ds, node, ds.cause, 'Updated')], ds.cause, 'Updated')), ...log.commit(reported([pods[pods.length - 1]], () => 200))];
    }
  }

  // Churn: a node joins, the one `window` joins earlier leaves; now and then a staying node flaps.
  const churning: string[] = [];
  for (let i = 1; log.position + churning.length * (1 + perNodePods) < shape.events; i++) {
    const name = `churn-${i}`;
    yield join([name]);
    churning.push(name);
    if (churning.length > window) yield leave(churning.shift()!);
    if (i % 250 === 0) {
      const name = stayingNames[i % staying];
      const flap = (status: string, reason: string): Draft => ({ stream: nodeStream(name), type: 'NodeReadinessChanged', data: { name, status, reason }, metadata: { causationId: null, correlationId: newEventId(), actor: 'service:node-registry' } });
      yield [...log.commit([flap('Unknown', 'NodeStatusUnknown')]), ...log.commit([flap('True', 'KubeletReady')])];
    }
  }
  while (churning.length) yield leave(churning.shift()!);
}

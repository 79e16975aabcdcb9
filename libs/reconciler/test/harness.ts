// A simulated scheduler: operations become events folded by `evolve` (with a clock), reconcile's
// actions are applied as events (PodScheduled / PodRemoved) like the shell does, and a plain model
// (oracle.ts) is kept beside the folded state so property tests can compare both.
import type { DaemonSetSpec, EventPayloads, EventType, PodPhase, PropagationPolicy, RecordedEvent, Taint } from '@everynode/contracts';
import { Action, ClusterState, emptyCluster, evolve, reconcile, ReconcileScope, slotKey } from '@everynode/reconciler';
import { T0 } from './fixtures';
import { MDaemonSet, MNode, MPod } from './oracle';

/** Passes with actions one settle may take before the fixpoint counts as not reached. */
const PASS_LIMIT = 12;

export class Harness {
  readonly events: RecordedEvent[] = [];
  readonly state: ClusterState = emptyCluster();
  readonly nodes = new Map<string, MNode>();
  readonly daemonSets = new Map<string, MDaemonSet>();
  readonly pods = new Map<string, MPod>();
  now = T0;
  /** The most passes with actions any settle needed. */
  maxPasses = 0;
  private podSeq = 0;

  /** Appends and folds one event. Raw: the model does not see it (for edge cases in table tests). */
  record<T extends EventType>(type: T, data: EventPayloads[T]): number {
    const position = this.events.length + 1;
    const event: RecordedEvent = {
      eventId: `e${position}`,
      type,
      data,
      metadata: { causationId: null, correlationId: 'c', actor: 'test' },
      stream: 's',
      streamVersion: position,
      position,
      recordedAt: new Date(this.now).toISOString(),
      hash: '',
      prevHash: '',
    };
    this.events.push(event);
    evolve(this.state, event);
    return position;
  }

  joinNode(node: MNode): ReconcileScope {
    this.nodes.set(node.name, structuredClone(node));
    this.record('NodeJoined', { ...structuredClone(node), uid: node.name, podCIDR: '', addresses: [], capacity: {}, nodeInfo: {} });
    return { nodes: [node.name] };
  }

  leaveNode(name: string): ReconcileScope | null {
    if (!this.nodes.delete(name)) return null;
    this.record('NodeLeft', { name, reason: 'Deleted' });
    return { nodes: [name] };
  }

  updateNode(name: string, patch: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean }): ReconcileScope | null {
    const node = this.nodes.get(name);
    if (!node) return null;
    Object.assign(node, structuredClone(patch));
    this.record('NodeUpdated', { name, labels: { ...node.labels }, taints: [...node.taints], unschedulable: node.unschedulable });
    return { nodes: [name] };
  }

  readiness(name: string, status: MNode['ready']): ReconcileScope | null {
    const node = this.nodes.get(name);
    if (!node) return null;
    node.ready = status;
    this.record('NodeReadinessChanged', { name, status, reason: 'test' });
    return { nodes: [name] };
  }

  applyDaemonSet(name: string, spec: DaemonSetSpec, hash: string): ReconcileScope {
    const key = `default/${name}`;
    const previous = this.daemonSets.get(key);
    const position = this.events.length + 1;
    const ds: MDaemonSet = { key, name, uid: previous?.uid ?? `uid-${name}-${position}`, generation: (previous?.generation ?? 0) + 1, hash, spec: structuredClone(spec) };
    this.daemonSets.set(key, ds);
    const object = { apiVersion: 'apps/v1' as const, kind: 'DaemonSet' as const, metadata: { name, namespace: 'default' }, spec: structuredClone(spec) };
    const data = { namespace: 'default', name, uid: ds.uid, generation: ds.generation, templateHash: hash, revision: ds.generation, object };
    this.record(previous ? 'DaemonSetUpdated' : 'DaemonSetCreated', data);
    return { daemonSets: [key] };
  }

  /** The scheduler orphans the pods itself (PodOrphaned) when the policy is Orphan. */
  deleteDaemonSet(name: string, propagationPolicy: PropagationPolicy): ReconcileScope | null {
    const key = `default/${name}`;
    const ds = this.daemonSets.get(key);
    if (!ds) return null;
    this.daemonSets.delete(key);
    this.record('DaemonSetDeleted', { namespace: 'default', name, uid: ds.uid, propagationPolicy });
    if (propagationPolicy === 'Orphan') {
      for (const pod of [...this.pods.values()].filter((p) => p.ds === key)) {
        this.record('PodOrphaned', { pod: pod.name, namespace: 'default', daemonSet: name, node: pod.node });
        Object.assign(pod, { ds: null, dsUid: null });
      }
    }
    return { daemonSets: [key] };
  }

  podStatus(key: string, phase: PodPhase, ready: boolean): ReconcileScope {
    const pod = this.pods.get(key)!;
    pod.readySince = ready ? (pod.ready && pod.readySince !== null ? pod.readySince : this.now) : null;
    Object.assign(pod, { phase, ready });
    this.record('PodStatusChanged', { pod: pod.name, namespace: 'default', node: pod.node, phase, ready, restarts: 0 });
    return { slots: pod.ds ? [slotKey(pod.ds, pod.node)] : [] };
  }

  /** Every pod not yet Ready (and not Failed) becomes Running and Ready. */
  readyAll(): ReconcileScope {
    const slots = new Set<string>();
    for (const pod of [...this.pods.values()]) {
      if (pod.ready || pod.phase === 'Failed') continue;
      for (const s of this.podStatus(pod.key, 'Running', true).slots ?? []) slots.add(s);
    }
    return { slots };
  }

  podKeys(): string[] {
    return [...this.pods.keys()].sort();
  }

  /** The DaemonSet's pods as folded, by node. */
  podsOf(dsKey: string) {
    return [...this.state.pods.values()].filter((p) => p.daemonSet === dsKey).sort((a, b) => a.node.localeCompare(b.node));
  }

  apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.kind === 'create') {
        const ds = this.daemonSets.get(a.daemonSet)!;
        const name = `${ds.name}-${++this.podSeq}`;
        const position = this.record('PodScheduled', {
          pod: name,
          namespace: 'default',
          uid: name,
          daemonSet: ds.name,
          daemonSetUid: ds.uid,
          node: a.node,
          templateHash: a.templateHash,
          generation: a.generation,
        });
        this.pods.set(`default/${name}`, {
          key: `default/${name}`,
          name,
          ds: ds.key,
          dsUid: ds.uid,
          node: a.node,
          hash: a.templateHash,
          phase: 'Pending',
          ready: false,
          readySince: null,
          scheduledAt: position,
        });
      } else {
        const pod = this.pods.get(a.pod)!;
        this.pods.delete(a.pod);
        this.record('PodRemoved', { pod: pod.name, namespace: 'default', daemonSet: pod.ds?.slice('default/'.length) ?? '', node: pod.node, reason: a.reason });
      }
    }
  }

  /** One reconcile pass, applied. */
  step(scope: ReconcileScope = { all: true }) {
    const result = reconcile(this.state, scope, this.now);
    checkWellFormed(this, result.actions);
    this.apply(result.actions);
    return result;
  }

  /**
   * Like the shell: passes over the same scope until none has actions; a requeue moves the clock and
   * resyncs everything. Returns the passes that had actions.
   */
  settle(scope: ReconcileScope = { all: true }): number {
    let passes = 0;
    let waits = 0;
    let current = scope;
    for (;;) {
      const { actions, requeueAfterMs } = reconcile(this.state, current, this.now);
      checkWellFormed(this, actions);
      if (actions.length > 0) {
        if (++passes > PASS_LIMIT) throw new Error(`no fixpoint after ${PASS_LIMIT} passes`);
        this.apply(actions);
        continue;
      }
      if (requeueAfterMs === undefined) break;
      if (!(requeueAfterMs > 0) || ++waits > 40) throw new Error(`bad requeue ${requeueAfterMs} (${waits})`);
      this.now += requeueAfterMs;
      current = { all: true };
    }
    this.maxPasses = Math.max(this.maxPasses, passes);
    return passes;
  }
}

/** Each action names something that exists, no pod is acted on twice, no slot gets two creates. */
function checkWellFormed(h: Harness, actions: Action[]): void {
  const pods = new Set<string>();
  const slots = new Set<string>();
  for (const a of actions) {
    if (a.kind === 'delete') {
      if (!h.pods.has(a.pod) || pods.has(a.pod)) throw new Error(`bad delete ${JSON.stringify(a)}`);
      pods.add(a.pod);
    } else {
      const slot = `${a.daemonSet}|${a.node}`;
      if (!h.daemonSets.has(a.daemonSet) || !h.nodes.has(a.node) || slots.has(slot)) throw new Error(`bad create ${JSON.stringify(a)}`);
      slots.add(slot);
    }
  }
}

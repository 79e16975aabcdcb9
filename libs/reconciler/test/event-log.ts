// A tiny in-memory log with a clock: records events, folds them with `evolve`, and plays the
// scheduler's part (actions → PodScheduled / PodRemoved), like the shell does with the real log.
import type {
  DaemonSet,
  DaemonSetSpec,
  EventPayloads,
  EventType,
  PodPhase,
  RecordedEvent,
} from '@everynode/contracts';
import { Action, ClusterState, emptyCluster, evolve, reconcile, ReconcileScope } from '@everynode/reconciler';
import { T0 } from './fixtures';

export class EventLog {
  readonly events: RecordedEvent[] = [];
  readonly state: ClusterState = emptyCluster();
  now = T0;
  private podSeq = 0;

  record<T extends EventType>(type: T, data: EventPayloads[T]): RecordedEvent {
    const position = this.events.length + 1;
    const event: RecordedEvent = {
      eventId: `e${position}`,
      type,
      data,
      metadata: { causationId: null, correlationId: 'c', actor: 'test' },
      stream: 'test',
      streamVersion: position,
      position,
      recordedAt: new Date(this.now).toISOString(),
      hash: '',
      prevHash: '',
    };
    this.events.push(event);
    evolve(this.state, event);
    return event;
  }

  joinNode(name: string, labels: Record<string, string> = {}, over: Partial<EventPayloads['NodeJoined']> = {}) {
    this.record('NodeJoined', {
      name,
      uid: `uid-${name}`,
      labels,
      taints: [],
      unschedulable: false,
      podCIDR: '10.0.0.0/24',
      addresses: [],
      capacity: {},
      nodeInfo: {},
      ready: 'True',
      ...over,
    });
  }

  /** Creates or updates; the template hash is whatever the caller says (equal templates, equal hash). */
  applyDaemonSet(name: string, spec: DaemonSetSpec, templateHash: string, namespace = 'default') {
    const previous = this.state.daemonSets.get(`${namespace}/${name}`);
    const revision = previous?.revisions.get(templateHash) ?? Math.max(0, ...(previous?.revisions.values() ?? [])) + 1;
    const object: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace }, spec };
    const data = {
      namespace,
      name,
      uid: previous?.uid ?? `uid-${name}-${this.events.length}`,
      generation: (previous?.generation ?? 0) + 1,
      templateHash,
      revision,
      object,
    };
    this.record(previous ? 'DaemonSetUpdated' : 'DaemonSetCreated', data);
  }

  podStatus(podKey: string, phase: PodPhase, ready: boolean) {
    const pod = this.state.pods.get(podKey)!;
    this.record('PodStatusChanged', { pod: pod.name, namespace: pod.namespace, node: pod.node, phase, ready, restarts: 0 });
  }

  /** Every pod not yet Ready becomes Running and Ready. */
  readyAll() {
    for (const pod of [...this.state.pods.values()]) if (!pod.ready && pod.phase !== 'Failed') this.podStatus(pod.key, 'Running', true);
  }

  /** What the scheduler does with the actions: one event each. */
  apply(actions: Action[]) {
    for (const a of actions) {
      if (a.kind === 'create') {
        const ds = this.state.daemonSets.get(a.daemonSet)!;
        this.record('PodScheduled', {
          pod: `${ds.name}-${++this.podSeq}`,
          namespace: ds.namespace,
          uid: `pod-uid-${this.podSeq}`,
          daemonSet: ds.name,
          daemonSetUid: ds.uid,
          node: a.node,
          templateHash: a.templateHash,
          generation: a.generation,
        });
      } else {
        const pod = this.state.pods.get(a.pod)!;
        const daemonSet = a.daemonSet ? a.daemonSet.slice(a.daemonSet.indexOf('/') + 1) : '';
        this.record('PodRemoved', { pod: pod.name, namespace: pod.namespace, daemonSet, node: a.node, reason: a.reason });
      }
    }
  }

  /** One reconcile pass, applied. */
  step(scope: ReconcileScope = { all: true }) {
    const result = reconcile(this.state, scope, this.now);
    this.apply(result.actions);
    return result;
  }

  /** Passes until nothing is left to do now; returns how many passes had actions. */
  settle(scope: ReconcileScope = { all: true }, maxPasses = 50): number {
    for (let passes = 0; passes < maxPasses; passes++) {
      if (this.step(scope).actions.length === 0) return passes;
    }
    throw new Error(`no fixpoint after ${maxPasses} passes`);
  }

  podsOf(dsKey: string) {
    return [...this.state.pods.values()].filter((p) => p.daemonSet === dsKey).sort((a, b) => a.node.localeCompare(b.node));
  }
}

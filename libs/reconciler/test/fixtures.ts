// Builders for hand-written states: views with defaults, so each test states only what it is about.
import type { DaemonSetSpec, DaemonSetUpdateStrategy, PodSpec } from '@everynode/contracts';
import { ClusterState, DaemonSetView, emptyCluster, NodeView, PodView } from '@everynode/reconciler';

export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

export function node(name: string, over: Partial<NodeView> = {}): NodeView {
  return { name, labels: {}, taints: [], unschedulable: false, ready: 'True', ...over };
}

export interface DsOptions {
  pod?: Partial<PodSpec>;
  strategy?: DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  hash?: string;
  generation?: number;
  uid?: string;
  namespace?: string;
}

export function daemonSet(name: string, o: DsOptions = {}): DaemonSetView {
  const namespace = o.namespace ?? 'default';
  const hash = o.hash ?? 'h1';
  const spec: DaemonSetSpec = {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img' }], ...o.pod } },
    updateStrategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    minReadySeconds: o.minReadySeconds ?? 0,
  };
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: o.uid ?? `uid-${name}`,
    generation: o.generation ?? 1,
    templateHash: hash,
    spec,
    revisions: new Map([[hash, 1]]),
  };
}

let seq = 0;

/** A running, Ready (for a long time) pod of `ds` on `node`; scheduledAt grows with each call. */
export function pod(ds: DaemonSetView | null, nodeName: string, over: Partial<PodView> = {}): PodView {
  seq++;
  const name = over.name ?? `${ds?.name ?? 'orphan'}-${String(seq).padStart(4, '0')}`;
  const namespace = ds?.namespace ?? 'default';
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    daemonSet: ds?.key ?? null,
    daemonSetUid: ds?.uid,
    node: nodeName,
    templateHash: ds?.templateHash ?? 'h0',
    generation: ds?.generation ?? 1,
    phase: 'Running',
    ready: true,
    readySince: T0 - 3_600_000,
    scheduledAt: seq,
    uid: `uid-${name}`,
    restarts: 0,
    podIP: undefined,
    createdAt: new Date(T0 - 3_600_000).toISOString(),
    changedAt: seq,
    ...over,
  };
}

export function cluster(parts: { nodes?: NodeView[]; daemonSets?: DaemonSetView[]; pods?: PodView[] }): ClusterState {
  const state = emptyCluster();
  for (const n of parts.nodes ?? []) state.nodes.set(n.name, n);
  for (const d of parts.daemonSets ?? []) state.daemonSets.set(d.key, d);
  for (const p of parts.pods ?? []) state.pods.set(p.key, p);
  return state;
}

export const nodes = (...names: string[]) => names.map((n) => node(n));

/** Actions in a compact, readable form: `create ds@node (Reason)` / `delete pod (Reason)`. */
export function summary(actions: { kind: string; daemonSet?: string | null; node: string; pod?: string; reason: string }[]): string[] {
  return actions.map((a) =>
    a.kind === 'create' ? `create ${a.daemonSet}@${a.node} (${a.reason})` : `delete ${a.pod} (${a.reason})`,
  );
}

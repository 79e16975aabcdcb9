// Projections are disposable (DESIGN rule 6): rebuild every service's read models from the log with the
// services' own fold functions, and compare them with the live tables. A difference is a bug or tampering.
import type { RecordedEvent } from '@everynode/contracts';
import { DaemonSetState, evolveDaemonSet, evolveNamespace, evolveNode, initialDaemonSetState, initialNodeState, NamespaceState, NodeState } from '@everynode/read-models';
import { emptyCluster, evolve } from '@everynode/reconciler';
import type { ClusterState } from '@everynode/reconciler';
import type { DataSource } from 'typeorm';
import { canonicalJson } from '@everynode/event-store';
import { FoldEvent, streamLog } from './log-reader';

/** Each projection as rows keyed by their primary key, in a comparable form. */
export type ProjectionRows = Map<string, unknown>;

export interface Rebuilt {
  position: number;
  events: number;
  projections: Record<string, ProjectionRows>;
}

export class ProjectionRebuild {
  /**
   * Events no projection here depends on: a pod's status only changes its phase and readiness in the
   * cluster fold, and nothing rebuilt here holds either (the placements are the DaemonSet, node and
   * template of each owned pod). They are counted, not folded, and the replay does not even read their
   * content (libs/audit/test/replay.spec.ts checks that folding them changes no placement).
   */
  static readonly UNUSED_TYPES: readonly string[] = ['PodStatusChanged', 'PodStatusesChanged'];
  private static readonly unused = new Set(ProjectionRebuild.UNUSED_TYPES);

  position = 0;
  events = 0;
  private readonly nodes = new Map<string, NodeState>();
  private readonly daemonSets = new Map<string, DaemonSetState>();
  private readonly namespaces = new Map<string, NamespaceState>();
  private cluster: ClusterState = emptyCluster();

  /** Only what a fold reads is needed (FoldEvent): the folds never look at ids, metadata or hashes. */
  add(e: FoldEvent): void {
    const event = e as RecordedEvent;
    this.position = event.position;
    this.events++;
    if (ProjectionRebuild.unused.has(event.type)) return;
    const d = event.data as { name?: string; namespace?: string };
    if (event.stream.startsWith('pod-')) {
      // most of the log: only the cluster fold reads pod streams
    } else if (event.stream.startsWith('node-')) this.nodes.set(d.name!, evolveNode(this.nodes.get(d.name!) ?? initialNodeState(), event));
    else if (event.stream.startsWith('namespace-')) this.namespaces.set(d.name!, evolveNamespace(this.namespaces.get(d.name!) ?? { version: 0, record: null }, event));
    else if (event.stream.startsWith('daemonset-')) {
      const key = `${d.namespace}/${d.name}`;
      this.daemonSets.set(key, evolveDaemonSet(this.daemonSets.get(key) ?? initialDaemonSetState(), event));
    }
    this.cluster = evolve(this.cluster, event);
  }

  /** An event of UNUSED_TYPES, known by its position only. */
  skip(position: number): void {
    this.position = position;
    this.events++;
  }

  /** How many rows each projection of `result()` has, without building them. */
  rowCounts(): Record<string, number> {
    return {
      'node_registry.nodes': this.nodes.size,
      'daemonset_spec.daemonsets': this.daemonSets.size,
      'daemonset_spec.namespaces': this.namespaces.size,
    };
  }

  /** How many pods the fold holds: the scheduler's view, which it folds in memory and keeps in no table. */
  get pods(): number {
    return this.cluster.pods.size;
  }

  /** The owned pods' DaemonSet, node and template: what the fold says is placed. */
  placements(): ProjectionRows {
    const placements: ProjectionRows = new Map();
    for (const p of this.cluster.pods.values()) {
      if (p.daemonSet) placements.set(p.key, { daemonset: p.daemonSet, node: p.node, template_hash: p.templateHash });
    }
    return placements;
  }

  /** Every projection as rows, as `readLiveProjections` reads the live ones. */
  result(): Rebuilt {
    return {
      position: this.position,
      events: this.events,
      projections: {
        'node_registry.nodes': rows(this.nodes, (s) => ({ version: s.version, record: s.node })),
        'daemonset_spec.daemonsets': rows(this.daemonSets, (s) => ({ version: s.version, record: s.record })),
        'daemonset_spec.namespaces': rows(this.namespaces, (s) => ({ version: s.version, record: s.record })),
      },
    };
  }
}

function rows<S>(states: Map<string, S>, row: (state: S) => unknown): ProjectionRows {
  const out: ProjectionRows = new Map();
  for (const [key, state] of states) out.set(key, row(state));
  return out;
}

/** Every projection folded from the log up to `to` (or its end), streamed (see streamLog); `result()` gives the rows. */
export async function rebuildProjections(dataSource: DataSource, to?: number, onProgress?: (position: number, events: number) => void): Promise<ProjectionRebuild> {
  const rebuild = new ProjectionRebuild();
  const progress = onProgress && (() => (rebuild.events & 0x3fff) === 0 && onProgress(rebuild.position, rebuild.events));
  await streamLog(
    dataSource,
    { to, skipTypes: ProjectionRebuild.UNUSED_TYPES },
    (e) => {
      rebuild.add(e);
      progress?.();
    },
    (position) => {
      rebuild.skip(position);
      progress?.();
    },
  );
  onProgress?.(rebuild.position, rebuild.events);
  return rebuild;
}

/** The live tables, read in the same shape as `Rebuilt.projections`. */
export async function readLiveProjections(dataSource: DataSource): Promise<Record<string, ProjectionRows>> {
  const q = (sql: string) => dataSource.query(sql);
  return {
    'node_registry.nodes': new Map((await q('SELECT name, version, record FROM node_registry.nodes')).map((r: any) => [r.name, { version: r.version, record: r.record }])),
    'daemonset_spec.daemonsets': new Map(
      (await q('SELECT namespace, name, version, record FROM daemonset_spec.daemonsets')).map((r: any) => [`${r.namespace}/${r.name}`, { version: r.version, record: r.record }]),
    ),
    'daemonset_spec.namespaces': new Map((await q('SELECT name, version, record FROM daemonset_spec.namespaces')).map((r: any) => [r.name, { version: r.version, record: r.record }])),
  };
}

export interface ProjectionDiff {
  projection: string;
  key: string;
  live: unknown;
  rebuilt: unknown;
}

export function diffProjections(live: Record<string, ProjectionRows>, rebuilt: Record<string, ProjectionRows>): ProjectionDiff[] {
  const diffs: ProjectionDiff[] = [];
  for (const projection of Object.keys(rebuilt)) {
    const a = live[projection] ?? new Map();
    const b = rebuilt[projection];
    const compare = (key: string, l: unknown, r: unknown) => {
      if (!sameJson(l ?? null, r ?? null)) diffs.push({ projection, key, live: l ?? null, rebuilt: r ?? null });
    };
    for (const [key, r] of b) compare(key, a.get(key), r);
    for (const [key, l] of a) if (!b.has(key)) compare(key, l, undefined);
  }
  return diffs.sort((x, y) => (x.projection + x.key).localeCompare(y.projection + y.key));
}

/** canonicalJson(a) === canonicalJson(b), without serializing the (usual) rows that are plainly equal. */
export function sameJson(a: unknown, b: unknown): boolean {
  return plainlyEqual(a, b) || canonicalJson(a) === canonicalJson(b);
}

/**
 * True only when both sides certainly serialize alike: identical primitives, or arrays / plain objects (keys
 * in any order, as jsonb reorders them) whose members are plainly equal. Anything else (NaN, toJSON,
 * an undefined member on one side only, …) answers false and is left to canonicalJson.
 */
function plainlyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!plainlyEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || typeof (a as { toJSON?: unknown }).toJSON === 'function' || typeof (b as { toJSON?: unknown }).toJSON === 'function') return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !plainlyEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** "node_registry.nodes k8s-node01: record.labels.color: live "green", rebuilt "blue"" */
export function formatDiff(d: ProjectionDiff): string {
  const lines: string[] = [];
  const walk = (path: string, l: unknown, r: unknown) => {
    if (sameJson(l ?? null, r ?? null)) return;
    if (l && r && typeof l === 'object' && typeof r === 'object' && !Array.isArray(l) && !Array.isArray(r)) {
      for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) walk(path ? `${path}.${k}` : k, (l as any)[k], (r as any)[k]);
      return;
    }
    lines.push(`  ${path || '(row)'}: live ${JSON.stringify(l ?? null)}, rebuilt ${JSON.stringify(r ?? null)}`);
  };
  walk('', d.live, d.rebuilt);
  return [`${d.projection} ${d.key}:`, ...lines].join('\n');
}

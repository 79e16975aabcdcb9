// A brute-force oracle, written apart from src/: the placement rules of daemonset-semantics.md
// applied naively to the raw labels and taints, and a plain model of the cluster for the checks.
import type { DaemonSetSpec, NodeSelectorRequirement, NodeSelectorTerm, PodPhase, Taint, Toleration } from '@everynode/contracts';

export interface MNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  ready: 'True' | 'False' | 'Unknown';
}

export interface MDaemonSet {
  key: string;
  name: string;
  uid: string;
  generation: number;
  hash: string;
  spec: DaemonSetSpec;
}

export interface MPod {
  key: string;
  name: string;
  ds: string | null;
  dsUid: string | null;
  node: string;
  hash: string;
  phase: PodPhase;
  ready: boolean;
  readySince: number | null;
  scheduledAt: number;
}

const AUTO_TOLERATED: [string, string][] = [
  ['node.kubernetes.io/not-ready', 'NoExecute'],
  ['node.kubernetes.io/unreachable', 'NoExecute'],
  ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
  ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
  ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
  ['node.kubernetes.io/unschedulable', 'NoSchedule'],
];

export function oracleFits(node: MNode, spec: DaemonSetSpec): { run: boolean; keep: boolean } {
  const t = spec.template.spec;
  const no = { run: false, keep: false };
  if (t.nodeName && t.nodeName !== node.name) return no;
  for (const key of Object.keys(t.nodeSelector ?? {})) if (node.labels[key] !== t.nodeSelector![key]) return no;
  const required = t.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !required.nodeSelectorTerms.some((term) => termOk(term, node))) return no;

  const taints: Taint[] = [...node.taints];
  if (node.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  const condition = node.ready === 'False' ? 'node.kubernetes.io/not-ready' : node.ready === 'Unknown' ? 'node.kubernetes.io/unreachable' : null;
  if (condition) taints.push({ key: condition, effect: 'NoSchedule' }, { key: condition, effect: 'NoExecute' });
  const tolerations: Toleration[] = [
    ...(t.tolerations ?? []),
    ...AUTO_TOLERATED.map(([key, effect]) => ({ key, operator: 'Exists' as const, effect: effect as Taint['effect'] })),
  ];
  if (t.hostNetwork) tolerations.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });

  let run = true;
  let keep = true;
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const tolerated = tolerations.some(
      (tol) =>
        (!tol.effect || tol.effect === taint.effect) &&
        (!tol.key || tol.key === taint.key) &&
        (tol.operator === 'Exists' || (tol.value ?? '') === (taint.value ?? '')),
    );
    if (tolerated) continue;
    run = false;
    if (taint.effect === 'NoExecute') keep = false;
  }
  return { run, keep };
}

function termOk(term: NodeSelectorTerm, node: MNode): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length + fields.length === 0) return false;
  return exprs.every((e) => exprOk(e, node.labels[e.key])) && fields.every((f) => f.key === 'metadata.name' && (f.operator === 'In' || f.operator === 'NotIn') && exprOk(f, node.name));
}

function exprOk(e: NodeSelectorRequirement, v: string | undefined): boolean {
  const values = e.values ?? [];
  const isInt = (s: string) => /^-?\d+$/.test(s);
  switch (e.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && values.length === 1 && isInt(v) && isInt(values[0]) && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && values.length === 1 && isInt(v) && isInt(values[0]) && Number(v) < Number(values[0]);
  }
}

const live = (p: MPod) => p.phase !== 'Failed' && p.phase !== 'Succeeded';
const readyPod = (p: MPod) => p.ready && live(p);

/** The status counters of daemonset-semantics.md, counted from the model. */
export function oracleStatus(nodes: MNode[], ds: MDaemonSet, pods: MPod[], now: number) {
  const counts = { desired: 0, current: 0, misscheduled: 0, ready: 0, updated: 0, available: 0 };
  const minReady = (ds.spec.minReadySeconds ?? 0) * 1000;
  for (const node of nodes) {
    const here = pods.filter((p) => p.ds === ds.key && p.dsUid === ds.uid && p.node === node.name);
    if (!oracleFits(node, ds.spec).run) {
      if (here.length) counts.misscheduled++;
      continue;
    }
    counts.desired++;
    if (!here.length) continue;
    counts.current++;
    // The pod that counts: a Ready one first, then the earliest scheduled, then by name.
    const pod = [...here].sort((a, b) => Number(readyPod(b)) - Number(readyPod(a)) || a.scheduledAt - b.scheduledAt || (a.name < b.name ? -1 : 1))[0];
    if (readyPod(pod)) counts.ready++;
    if (readyPod(pod) && (minReady === 0 || pod.readySince! + minReady <= now)) counts.available++;
    if (pod.hash === ds.hash) counts.updated++;
  }
  return counts;
}

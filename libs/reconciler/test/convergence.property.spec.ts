// Random histories of a small cluster: after every operation the simulated scheduler applies the
// reconcile actions to a fixpoint, and the result must satisfy the brute-force oracle.
import fc from 'fast-check';
import type { Affinity, DaemonSetSpec, DaemonSetUpdateStrategy, NodeSelectorRequirement, PropagationPolicy, Taint, Toleration } from '@everynode/contracts';
import { computeStatus, emptyCluster, evolve, PodIndex, podIndex, reconcile, ReconcileScope } from '@everynode/reconciler';
import { Harness } from './harness';
import { MNode, oracleFits, oracleStatus } from './oracle';

const NODE_NAMES = ['n0', 'n1', 'n2', 'n3', 'n4'];
const TAINTS: Taint[] = [
  { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
  { key: 'dedicated', value: 'db', effect: 'NoExecute' },
  { key: 'soft', effect: 'PreferNoSchedule' },
  { key: 'gpu', value: 'yes', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
];
const TOLERATIONS: Toleration[] = [
  { key: 'dedicated', operator: 'Equal', value: 'db' },
  { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'gpu', operator: 'Exists' },
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
  { operator: 'Exists' },
];
const STRATEGIES: (DaemonSetUpdateStrategy | undefined)[] = [
  undefined,
  { type: 'OnDelete' },
  { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } },
  { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } },
  { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
  { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '30%' } },
];

const nodeName = fc.constantFrom(...NODE_NAMES);
const labels = fc.record(
  { zone: fc.constantFrom('a', 'b'), disk: fc.constantFrom('ssd', 'hdd'), rank: fc.constantFrom('1', '2', '3', 'x') },
  { requiredKeys: ['zone', 'disk'] },
);
const taints = fc.oneof(fc.constant<Taint[]>([]), fc.subarray(TAINTS, { minLength: 1, maxLength: 2 }));
const readiness = fc.constantFrom<MNode['ready']>('True', 'True', 'True', 'True', 'True', 'False', 'Unknown');

const requirement: fc.Arbitrary<NodeSelectorRequirement> = fc.oneof(
  fc.record({ key: fc.constantFrom('zone', 'disk', 'rank'), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.subarray(['a', 'b', 'ssd', 'hdd', '1', '2'], { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom('zone', 'disk', 'rank', 'gpu'), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  fc.record({ key: fc.constant('rank'), operator: fc.constantFrom('Gt' as const, 'Lt' as const), values: fc.tuple(fc.constantFrom('0', '1', '2', '3')) }),
);
const affinity: fc.Arbitrary<Affinity> = fc
  .array(
    fc.record(
      {
        matchExpressions: fc.array(requirement, { maxLength: 2 }),
        matchFields: fc.tuple(fc.record({ key: fc.constant('metadata.name'), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.subarray(NODE_NAMES, { minLength: 1 }) })),
      },
      { requiredKeys: [] },
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((nodeSelectorTerms) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } }));

/** `arbitrary` once in `oneIn` draws, else undefined. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const template = fc.record({
  image: fc.constantFrom('v1', 'v2', 'v3'),
  nodeSelector: sometimes(fc.record({ zone: fc.constantFrom('a', 'b'), disk: fc.constantFrom('ssd', 'hdd') }, { requiredKeys: [] }), 2),
  affinity: sometimes(affinity, 4),
  tolerations: sometimes(fc.subarray(TOLERATIONS, { minLength: 1, maxLength: 2 }), 3),
  hostNetwork: fc.boolean(),
  nodeName: sometimes(nodeName, 15),
});
const dsSpec = fc.record({
  template,
  strategy: fc.constantFrom(...STRATEGIES),
  minReadySeconds: fc.constantFrom(0, 0, 2),
});

type DsInput = typeof dsSpec extends fc.Arbitrary<infer T> ? T : never;
type Op =
  | { kind: 'join'; node: MNode }
  | { kind: 'leave' | 'cordon' | 'uncordon'; node: string }
  | { kind: 'relabel'; node: string; labels: Record<string, string> }
  | { kind: 'taint'; node: string; taints: Taint[] }
  | { kind: 'readiness'; node: string; status: MNode['ready'] }
  | { kind: 'apply' | 'recreate'; ds: string; spec: DsInput }
  | { kind: 'delete'; ds: string; policy: PropagationPolicy }
  | { kind: 'podReady' | 'podFail' | 'podUnready'; pick: number }
  | { kind: 'readyAll' }
  | { kind: 'advance'; ms: number };

const dsName = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('join' as const), node: fc.record({ name: nodeName, labels, taints, unschedulable: fc.boolean(), ready: readiness }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('leave' as const, 'cordon' as const, 'uncordon' as const), node: nodeName }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('relabel' as const), node: nodeName, labels }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('taint' as const), node: nodeName, taints }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('readiness' as const), node: nodeName, status: readiness }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('apply' as const, 'apply' as const, 'recreate' as const), ds: dsName, spec: dsSpec }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), ds: dsName, policy: fc.constantFrom<PropagationPolicy>('Background', 'Orphan') }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('podReady' as const, 'podReady' as const, 'podFail' as const, 'podUnready' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'readyAll' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }) },
);

/** A cluster to start from: a few nodes, one or two DaemonSets. */
const start: fc.Arbitrary<Op[]> = fc
  .tuple(
    fc.uniqueArray(fc.record({ name: nodeName, labels, taints, unschedulable: fc.boolean(), ready: readiness }), { minLength: 2, maxLength: 5, selector: (n) => n.name }),
    fc.uniqueArray(fc.record({ ds: dsName, spec: dsSpec }), { minLength: 1, maxLength: 2, selector: (d) => d.ds }),
  )
  .map(([nodes, sets]) => [
    ...nodes.map((node) => ({ kind: 'join' as const, node })),
    ...sets.map(({ ds, spec }) => ({ kind: 'apply' as const, ds, spec })),
  ]);

function buildSpec(name: string, s: Op & { kind: 'apply' | 'recreate' }): { spec: DaemonSetSpec; hash: string } {
  const { image, ...placement } = s.spec.template;
  const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }], ...placement } };
  const spec: DaemonSetSpec = { selector: { matchLabels: { app: name } }, template, updateStrategy: s.spec.strategy, minReadySeconds: s.spec.minReadySeconds };
  return { spec, hash: fnv(JSON.stringify(template)) };
}

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

function run(h: Harness, o: Op): ReconcileScope | null {
  switch (o.kind) {
    case 'join':
      return h.joinNode(o.node);
    case 'leave':
      return h.leaveNode(o.node);
    case 'cordon':
    case 'uncordon':
      return h.updateNode(o.node, { unschedulable: o.kind === 'cordon' });
    case 'relabel':
      return h.updateNode(o.node, { labels: o.labels });
    case 'taint':
      return h.updateNode(o.node, { taints: o.taints });
    case 'readiness':
      return h.readiness(o.node, o.status);
    case 'apply':
    case 'recreate': {
      const { spec, hash } = buildSpec(o.ds, o);
      if (o.kind === 'recreate') h.deleteDaemonSet(o.ds, 'Background'); // and re-create before any reconcile
      return h.applyDaemonSet(o.ds, spec, hash);
    }
    case 'delete':
      return h.deleteDaemonSet(o.ds, o.policy);
    case 'podReady':
    case 'podFail':
    case 'podUnready': {
      const keys = h.podKeys();
      if (keys.length === 0) return null;
      const key = keys[o.pick % keys.length];
      if (h.pods.get(key)!.phase === 'Failed') return null;
      return h.podStatus(key, o.kind === 'podFail' ? 'Failed' : 'Running', o.kind === 'podReady');
    }
    case 'readyAll':
      return h.readyAll();
    case 'advance':
      h.now += o.ms;
      return { all: true };
  }
}

const surgeAllowed = (spec: DaemonSetSpec) =>
  spec.updateStrategy?.type !== 'OnDelete' && ![undefined, 0, '0%'].includes(spec.updateStrategy?.rollingUpdate?.maxSurge);

/** Plain checks (not `expect`): they run thousands of times per property. */
function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

const sortedJson = (rows: unknown[][]) => JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());

/** The folded state equals the model kept beside it. */
function checkFoldEqualsModel(h: Harness): void {
  const nodes = (m: Iterable<MNode>) => sortedJson([...m].map((n) => [n.name, n.labels, n.taints, n.unschedulable, n.ready]));
  check(nodes(h.state.nodes.values()) === nodes(h.nodes.values()), 'nodes differ from the model');
  const dss = sortedJson([...h.state.daemonSets.values()].map((d) => [d.key, d.uid, d.generation, d.templateHash]));
  check(dss === sortedJson([...h.daemonSets.values()].map((d) => [d.key, d.uid, d.generation, d.hash])), 'daemonSets differ from the model');
  const folded = sortedJson(
    [...h.state.pods.values()].map((p) => [p.key, p.daemonSet, p.daemonSetUid ?? null, p.node, p.templateHash, p.phase, p.ready, p.readySince, p.scheduledAt]),
  );
  const model = sortedJson([...h.pods.values()].map((p) => [p.key, p.ds, p.dsUid, p.node, p.hash, p.phase, p.ready, p.readySince, p.scheduledAt]));
  check(folded === model, 'pods differ from the model', { folded, model });
  // The index evolve keeps current equals one built from scratch (a copied map misses the cache).
  const kept = indexJson(podIndex(h.state));
  const fresh = indexJson(podIndex({ ...h.state, pods: new Map(h.state.pods) }));
  check(kept === fresh, 'pod index differs from a rebuilt one', { kept, fresh });
}

function indexJson(index: PodIndex): string {
  const sets = (m: Map<string, Set<string>>) => [...m].map(([k, v]) => [k, [...v].sort()]).sort();
  const slots = [...index.bySlot].map(([ds, nodes]) => [ds, [...nodes].map(([n, k]) => [n, typeof k === 'string' ? k : [...k].sort()]).sort()]).sort();
  const hashes = [...index.hashes].map(([ds, h]) => [ds, [...h].sort()]).sort();
  return JSON.stringify([sets(index.byNode), sets(index.byDaemonSet), slots, hashes]);
}

/** The converged cluster against the oracle. */
function checkConverged(h: Harness): void {
  const nodes = [...h.nodes.values()];
  const pods = [...h.pods.values()];
  for (const pod of pods) {
    check(h.nodes.has(pod.node), 'pod on a departed node', pod);
    if (pod.ds !== null) check(h.daemonSets.get(pod.ds)?.uid === pod.dsUid, 'pod of a deleted DaemonSet', pod);
  }
  for (const ds of h.daemonSets.values()) {
    for (const node of nodes) {
      const fits = oracleFits(node, ds.spec);
      const owned = pods.filter((p) => p.ds === ds.key && p.node === node.name);
      const slot = { ds: ds.key, node: node.name, fits, owned };
      if (!fits.keep) check(owned.length === 0, 'pod where it may not run', slot);
      if (fits.run) check(owned.length > 0, 'no pod on an eligible node', slot);
      check(owned.every((p) => p.phase !== 'Failed'), 'failed pod left', slot);
      if (owned.length > 1) {
        // Transient surge only: one old Ready pod beside one new pod.
        const old = owned.filter((p) => p.hash !== ds.hash);
        check(surgeAllowed(ds.spec) && owned.length === 2 && old.length === 1 && old[0].ready, 'more than one pod', slot);
      }
    }
    const o = oracleStatus(nodes, ds, pods, h.now);
    const expected = {
      desiredNumberScheduled: o.desired,
      currentNumberScheduled: o.current,
      numberMisscheduled: o.misscheduled,
      numberReady: o.ready,
      updatedNumberScheduled: o.updated,
      numberAvailable: o.available,
      numberUnavailable: o.desired - o.available,
      observedGeneration: ds.generation,
    };
    const status = computeStatus(h.state, ds.key, h.now);
    check(JSON.stringify(status) === JSON.stringify(expected), 'status differs from the oracle', { status, expected });
  }
  // Scoped passes left nothing for a full resync.
  const left = reconcile(h.state, { all: true }, h.now).actions;
  check(left.length === 0, 'a full resync still has work', left);
}

describe('convergence against a brute-force oracle', () => {
  let maxPasses = 0;
  afterAll(() => {
    // The bound the harness enforces (PASS_LIMIT) holds with room to spare.
    expect(maxPasses).toBeLessThanOrEqual(6);
  });

  it('after every operation the fixpoint places exactly what the oracle says', () => {
    fc.assert(
      fc.property(start, fc.array(fc.tuple(op, fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 30, size: 'max' }), (initial, ops) => {
        const h = new Harness();
        for (const [o, wide] of [...initial.map((o) => [o, 0] as const), ...ops]) {
          const scope = run(h, o);
          checkFoldEqualsModel(h);
          if (!scope) continue;
          h.settle(wide === 0 ? { all: true } : scope);
          checkFoldEqualsModel(h);
          checkConverged(h);
        }
        // A projection rebuilt from the log equals the live one and decides the same.
        const rebuilt = emptyCluster();
        for (const e of h.events) evolve(rebuilt, e);
        expect(rebuilt).toEqual(h.state);
        expect(reconcile(rebuilt, { all: true }, h.now + 60_000)).toEqual(reconcile(h.state, { all: true }, h.now + 60_000));
        maxPasses = Math.max(maxPasses, h.maxPasses);
      }),
      { numRuns: 300 },
    );
  });
});

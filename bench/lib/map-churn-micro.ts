// Focused micro-benchmark of one cause of the join-latency tail (no stack): the scheduler keeps its 150,000
// pods in JavaScript Maps (the pure core's state.pods, the read model's pods, the pods-by-node/DaemonSet/slot
// index). Under node churn every join adds 30 keys and every leave deletes 30; a V8 Map counts deleted entries
// against its capacity, so every so often one insert rehashes the whole table at once. Profiled during a churn,
// the scheduler spent 120-150 ms in a row in `indexAdded`; this shows the same pauses in isolation.
// node -r ./scripts/ts-register.js bench/lib/map-churn-micro.ts [nodes=5000] [daemonsets=30] [joins=6000]
import { indexAdded, indexRemoved, podIndex } from '../../libs/reconciler/src/pod-index';
import type { ClusterState, PodView } from '../../libs/reconciler/src/state';

const [nodes = 5000, daemonSets = 30, joins = 6000] = process.argv.slice(2).map(Number);
const STAY = 1000; // a churned node leaves this many joins later (100/s, 10 s)

const pod = (ds: number, node: string): PodView =>
  ({ key: `bench/ds-${ds}-${node}`, node, daemonSet: `bench/ds-${ds}`, templateHash: 'h' }) as unknown as PodView;
const state = { nodes: new Map(), daemonSets: new Map(), pods: new Map(), failures: new Map(), vacated: new Map() } as unknown as ClusterState;
for (let n = 0; n < nodes; n++) for (let d = 0; d < daemonSets; d++) state.pods.set(pod(d, `sim-${n}`).key, pod(d, `sim-${n}`));
podIndex(state);

/** The slowest single operations of each kind, and how many took over 5 ms. */
const slow = { set: [] as number[], index: [] as number[] };
const timed = (into: number[], fn: () => void) => {
  const t = performance.now();
  fn();
  into.push(performance.now() - t);
};
const started = performance.now();
for (let c = 0; c < joins; c++) {
  for (let d = 0; d < daemonSets; d++) {
    const p = pod(d, `churn-${c}`);
    timed(slow.set, () => state.pods.set(p.key, p));
    timed(slow.index, () => indexAdded(state, p));
  }
  if (c < STAY) continue;
  for (let d = 0; d < daemonSets; d++) {
    const gone = state.pods.get(pod(d, `churn-${c - STAY}`).key)!;
    state.pods.delete(gone.key);
    indexRemoved(state, gone);
  }
}
const report = (name: string, ms: number[]) => {
  const worst = [...ms].sort((a, b) => b - a).slice(0, 5).map((m) => m.toFixed(1));
  console.log(`${name}: ${ms.length} operations, ${ms.filter((m) => m > 5).length} over 5 ms, slowest ${worst.join(', ')} ms`);
};
console.log(`${nodes} nodes × ${daemonSets} DaemonSets, ${joins} churned nodes: ${(performance.now() - started).toFixed(0)} ms`);
report('state.pods.set', slow.set);
report('indexAdded', slow.index);

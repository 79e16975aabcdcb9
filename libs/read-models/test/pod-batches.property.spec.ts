// A batch (PodsScheduled, PodStatusesChanged, PodsRemoved) folds exactly as its members appended one by one: the same pods,
// the same cluster state, the same changes in the same order. Only what comes from positions differs (members
// share their batch's): resourceVersion, and the pure core's scheduledAt and changedAt. fast-check against the per-pod log.
import fc from 'fast-check';
import { MAX_BATCH_MEMBERS, podBatchStream, podEventsOf, podStream } from '@everynode/contracts';
import type { PodScheduled, PodStatusChanged, RecordedEvent } from '@everynode/contracts';
import { ClusterReadModel } from '@everynode/read-models';

const AT = '2026-12-06T00:00:00.000Z';
const meta = { causationId: null, correlationId: 'c', actor: 'test' };

/** A log from drafts: each draft one event at the next position. */
function logOf(drafts: { type: string; stream: string; data: unknown }[]): RecordedEvent[] {
  return drafts.map((d, i) => ({ eventId: `e${i}`, position: i + 1, streamVersion: 1, recordedAt: AT, metadata: meta, hash: '', prevHash: '', ...d }));
}

const setup = [
  { type: 'NodeJoined', stream: 'node-n1', data: { name: 'n1', uid: 'u1', labels: {}, taints: [], unschedulable: false, podCIDR: '10.64.0.0/24', addresses: [], capacity: {}, nodeInfo: {}, ready: 'True' } },
  { type: 'NodeJoined', stream: 'node-n2', data: { name: 'n2', uid: 'u2', labels: {}, taints: [], unschedulable: false, podCIDR: '10.64.1.0/24', addresses: [], capacity: {}, nodeInfo: {}, ready: 'True' } },
];

type BatchType = 'PodsScheduled' | 'PodStatusesChanged' | 'PodsRemoved';

type Op =
  | { kind: 'place'; pod: number; node: string }
  | { kind: 'status'; pod: number; ready: boolean; restarts: number }
  | { kind: 'remove'; pod: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), pod: fc.integer({ min: 0, max: 7 }), node: fc.constantFrom('n1', 'n2') }),
  fc.record({ kind: fc.constant('status' as const), pod: fc.integer({ min: 0, max: 7 }), ready: fc.boolean(), restarts: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('remove' as const), pod: fc.integer({ min: 0, max: 7 }) }),
);

const name = (i: number) => `p${i}`;
const placed = (o: Extract<Op, { kind: 'place' }>): PodScheduled => ({
  daemonSet: 'ds', daemonSetUid: 'ds-uid', generation: 1, namespace: 'ns', node: o.node, pod: name(o.pod), templateHash: 'h', uid: `uid-${o.pod}`,
});
const status = (o: Extract<Op, { kind: 'status' }>, node: string): PodStatusChanged => ({
  namespace: 'ns', node, phase: 'Running', pod: name(o.pod), ready: o.ready, restarts: o.restarts,
});

/** The per-pod log and the batched one (runs of places, and of status changes, cut where `cuts` says). */
function logs(ops: Op[], cuts: boolean[]) {
  const single: { type: string; stream: string; data: unknown }[] = [...setup];
  const batched: { type: string; stream: string; data: unknown }[] = [...setup];
  const nodeOf = new Map<number, string>();
  let run: { type: BatchType; members: unknown[] } | null = null;
  const flush = () => {
    if (!run) return;
    const stream = podBatchStream(`b${batched.length}`);
    batched.push({ type: run.type, stream, data: run.type === 'PodStatusesChanged' ? { statuses: run.members } : { pods: run.members } });
    run = null;
  };
  ops.forEach((o, i) => {
    const stream = podStream('ns', name(o.pod));
    let data: unknown;
    let batchType: BatchType | null = null;
    if (o.kind === 'place') {
      data = placed(o);
      nodeOf.set(o.pod, o.node);
      single.push({ type: 'PodScheduled', stream, data });
      batchType = 'PodsScheduled';
    } else if (o.kind === 'status') {
      data = status(o, nodeOf.get(o.pod) ?? 'n1');
      single.push({ type: 'PodStatusChanged', stream, data });
      batchType = 'PodStatusesChanged';
    } else {
      data = { pod: name(o.pod), namespace: 'ns', daemonSet: 'ds', node: nodeOf.get(o.pod) ?? 'n1', reason: 'NodeLeft' };
      single.push({ type: 'PodRemoved', stream, data });
      batchType = cuts[i] && ops[i - 1]?.kind !== 'remove' ? null : 'PodsRemoved'; // now and then a pod's own PodRemoved
    }
    if (!batchType || run?.type !== batchType || cuts[i] || run.members.length === MAX_BATCH_MEMBERS) flush();
    if (batchType) (run ??= { type: batchType, members: [] }).members.push(data);
    else batched.push({ type: 'PodRemoved', stream, data });
  });
  flush();
  return { single: logOf(single), batched: logOf(batched) };
}

/** What folding a log gives, without what comes from positions. */
function fold(log: RecordedEvent[]) {
  const model = new ClusterReadModel();
  const changes = log.flatMap((e) => model.apply(e)).map(({ position: _p, ...c }) => c);
  const pods = [...model.pods].map(([k, { resourceVersion: _rv, ...p }]) => [k, p]);
  const cluster = [...model.cluster.pods].map(([k, { scheduledAt: _s, changedAt: _c, ...p }]) => [k, p]);
  return { changes, pods, cluster, position: model.position };
}

describe('batched pod events', () => {
  it('fold as their members appended one by one', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (ops, cuts) => {
        const { single, batched } = logs(ops, cuts);
        const a = fold(single);
        const b = fold(batched);
        expect(b.changes).toEqual(a.changes);
        expect(b.pods).toEqual(a.pods);
        expect(b.cluster).toEqual(a.cluster);
        // Every member is back, in order, each under its pod's stream, with the batch's position.
        const members = batched.flatMap(podEventsOf).slice(setup.length);
        expect(members.map((m) => [m.type, m.stream, m.data])).toEqual(single.slice(setup.length).map((e) => [e.type, e.stream, e.data]));
        for (const m of members) expect(batched[m.position - 1].eventId).toBe(m.eventId);
      }),
      { numRuns: 300 },
    );
  });

  it('a batch without its members (written by hand) folds as nothing but its position', () => {
    const [bad] = logOf([{ type: 'PodsScheduled', stream: podBatchStream('x'), data: { pods: 'not a list' } }]);
    expect(podEventsOf(bad)).toEqual([]);
    const model = new ClusterReadModel();
    expect(model.apply(bad)).toEqual([]);
    expect(model.position).toBe(1);
  });
});

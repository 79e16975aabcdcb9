// The replay folds only what its projections depend on: it skips the event types in
// ProjectionRebuild.UNUSED_TYPES (it does not even read their content). This proves that folding them
// would change no rebuilt projection, on a history with every pod event the scheduler writes.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@everynode/contracts';
import { podEventsOf, podStream } from '@everynode/contracts';
import { diffProjections, ProjectionRebuild, sameJson } from '@everynode/audit';
import { canonicalJson } from '@everynode/event-store';
import { emptyCluster, evolve } from '@everynode/reconciler';
import { clusterHistory } from '../../../bench/lib/cluster-history';

function history(): RecordedEvent[] {
  const events = [...clusterHistory({ events: 4000, nodes: 12, daemonSets: 3, churnWindow: 5 })].flat();
  // Pods orphaned (cascade=orphan) and failed ones, which the synthetic history does not have; their status
  // as a pod's own PodStatusChanged (a log from before the batches), beside the history's PodStatusesChanged.
  const scheduled = events.flatMap(podEventsOf).filter((e) => e.type === 'PodScheduled').slice(-6);
  let position = events.length;
  const recordedAt = events[events.length - 1].recordedAt;
  const add = (type: string, data: Record<string, unknown>) => {
    const pod = data.pod as string;
    events.push({ position: ++position, eventId: randomUUID(), stream: podStream('bench', pod), streamVersion: 99, type, data, metadata: { causationId: null, correlationId: 'c', actor: 'test' }, recordedAt, hash: '', prevHash: '' });
  };
  for (const [i, e] of scheduled.entries()) {
    const d = e.data as { pod: string; namespace: string; node: string; daemonSet: string };
    if (i % 2) add('PodOrphaned', { pod: d.pod, namespace: d.namespace });
    else add('PodRemoved', { pod: d.pod, namespace: d.namespace, daemonSet: d.daemonSet, node: d.node, reason: 'Failed' });
    add('PodStatusChanged', { pod: d.pod, namespace: d.namespace, node: d.node, phase: 'Failed', ready: false, restarts: 1 });
  }
  return events;
}

describe('ProjectionRebuild', () => {
  it('skips only event types that change no rebuilt projection', () => {
    const events = history();
    for (const type of ProjectionRebuild.UNUSED_TYPES) expect(events.some((e) => e.type === type)).toBe(true);

    const rebuild = new ProjectionRebuild();
    for (const e of events) rebuild.add(e);
    const result = rebuild.result();
    expect(result.events).toBe(events.length);
    expect(rebuild.rowCounts()).toEqual(Object.fromEntries(Object.entries(result.projections).map(([name, rows]) => [name, rows.size])));
    expect(result.position).toBe(events[events.length - 1].position);

    // The same placements from the cluster fold of every event, the skipped types included.
    let cluster = emptyCluster();
    for (const e of events) cluster = evolve(cluster, e);
    const placements = new Map<string, unknown>();
    for (const p of cluster.pods.values()) {
      if (p.daemonSet) placements.set(p.key, { daemonset: p.daemonSet, node: p.node, template_hash: p.templateHash });
    }
    expect(placements.size).toBeGreaterThan(10);
    expect(rebuild.placements()).toEqual(placements);

    // Skipping by position (what the replay does with rows it did not read) gives the same result.
    const skipping = new ProjectionRebuild();
    for (const e of events) (ProjectionRebuild.UNUSED_TYPES.includes(e.type) ? skipping.skip(e.position) : skipping.add(e));
    expect(skipping.result()).toEqual(result);
    expect(skipping.placements()).toEqual(placements);
  });
});

describe('sameJson (how the diff compares rows)', () => {
  /** The same value with object keys in another order, as a jsonb round trip gives them back. */
  const reordered = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(reordered) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)])) : v;

  it('answers exactly what comparing canonicalJson does', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: false }), fc.anything(), (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson(a, reordered(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson({ n: NaN }, { n: null })).toBe(true);
    expect(sameJson({ t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' })).toBe(true);
    expect(sameJson({ labels: { color: 'forged' } }, { labels: {} })).toBe(false);
  });

  it('names every row that differs, is missing or is extra', () => {
    const live = { t: new Map<string, unknown>([['same', { x: 1, y: [1, 2] }], ['changed', { x: 1 }], ['extra', { x: 3 }]]) };
    const rebuilt = { t: new Map<string, unknown>([['same', { y: [1, 2], x: 1 }], ['changed', { x: 2 }], ['missing', { x: 4 }]]) };
    expect(diffProjections(live, rebuilt).map((d) => [d.key, d.live, d.rebuilt])).toEqual([
      ['changed', { x: 1 }, { x: 2 }],
      ['extra', { x: 3 }, null],
      ['missing', null, { x: 4 }],
    ]);
  });
});

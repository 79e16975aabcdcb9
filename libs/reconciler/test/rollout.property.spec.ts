// Rolling updates under random interleavings of reconcile passes, pods turning Ready and time
// passing: the availability budget holds after every step, and every rollout completes.
import fc from 'fast-check';
import type { DaemonSetSpec, DaemonSetUpdateStrategy } from '@everynode/contracts';
import { reconcile } from '@everynode/reconciler';
import { node } from './fixtures';
import { Harness } from './harness';

const spec = (image: string, updateStrategy: DaemonSetUpdateStrategy, minReadySeconds: number): DaemonSetSpec => ({
  selector: { matchLabels: { app: 'd' } },
  template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } },
  updateStrategy,
  minReadySeconds,
});

type Step = { kind: 'pass' } | { kind: 'ready'; pick: number } | { kind: 'advance'; ms: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'pass' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ready' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }) },
);

const KEY = 'default/d';

/** A cluster of `nodes` nodes running template v1 everywhere, all pods available, then updated to v2. */
function updated(nodes: number, strategy: DaemonSetUpdateStrategy, minReadySeconds: number): Harness {
  const h = new Harness();
  for (let i = 0; i < nodes; i++) h.joinNode(node(`n${i}`));
  h.applyDaemonSet('d', spec('v1', strategy, minReadySeconds), 'v1');
  h.settle({ all: true });
  for (const key of h.podKeys()) h.podStatus(key, 'Running', true);
  h.now += minReadySeconds * 1000;
  h.applyDaemonSet('d', spec('v2', strategy, minReadySeconds), 'v2');
  return h;
}

function play(h: Harness, s: Step): void {
  if (s.kind === 'pass') h.apply(reconcile(h.state, { daemonSets: [KEY] }, h.now).actions);
  else if (s.kind === 'advance') h.now += s.ms;
  else {
    const pending = h.podKeys().filter((k) => !h.pods.get(k)!.ready);
    if (pending.length) h.podStatus(pending[s.pick % pending.length], 'Running', true);
  }
}

function census(h: Harness, minReadySeconds: number) {
  const available = (k: string) => {
    const p = h.pods.get(k)!;
    return p.ready && p.readySince! + minReadySeconds * 1000 <= h.now;
  };
  const perNode = new Map<string, string[]>();
  for (const key of h.podKeys()) perNode.set(h.pods.get(key)!.node, [...(perNode.get(h.pods.get(key)!.node) ?? []), key]);
  const nodes = [...h.nodes.keys()];
  return {
    withoutAvailable: nodes.filter((n) => !(perNode.get(n) ?? []).some(available)).length,
    doubled: nodes.filter((n) => (perNode.get(n)?.length ?? 0) > 1).length,
    maxPerNode: Math.max(0, ...nodes.map((n) => perNode.get(n)?.length ?? 0)),
  };
}

/** Drive the rollout home: passes, then every pod Ready and available, until nothing is left. */
function finish(h: Harness, minReadySeconds: number, afterEach: () => void): void {
  for (let round = 0; round < 40; round++) {
    const passes = h.settle({ daemonSets: [KEY] });
    afterEach();
    h.readyAll();
    h.now += minReadySeconds * 1000;
    if (passes === 0 && [...h.pods.values()].every((p) => p.hash === 'v2' && p.ready)) return;
  }
  throw new Error('rollout did not finish');
}

describe('RollingUpdate budgets', () => {
  it('without surge: never more than maxUnavailable nodes without an available pod, and the rollout completes', () => {
    const budget = fc.constantFrom<[number | string, (n: number) => number]>(
      [1, () => 1],
      [2, () => 2],
      ['25%', (n) => Math.ceil(n / 4)],
      ['50%', (n) => Math.ceil(n / 2)],
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), budget, fc.constantFrom(0, 3), fc.array(step, { maxLength: 60, size: 'max' }), (nodes, [value, scaled], minReady, steps) => {
        const h = updated(nodes, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: value, maxSurge: 0 } }, minReady);
        const within = () => {
          const c = census(h, minReady);
          if (c.withoutAvailable > scaled(nodes) || c.maxPerNode > 1) throw new Error(`budget broken: ${JSON.stringify(c)}`);
        };
        for (const s of steps) {
          play(h, s);
          within();
        }
        finish(h, minReady, within);
        expect(h.podKeys()).toHaveLength(nodes);
      }),
      { numRuns: 300 },
    );
  });

  it('with surge: every node keeps an available pod, at most maxSurge nodes hold two, and the rollout completes', () => {
    const budget = fc.constantFrom<[number | string, (n: number) => number]>(
      [1, () => 1],
      [2, () => 2],
      ['30%', (n) => Math.ceil((n * 3) / 10)],
      ['100%', (n) => n],
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), budget, fc.constantFrom(0, 3), fc.array(step, { maxLength: 60, size: 'max' }), (nodes, [value, scaled], minReady, steps) => {
        const h = updated(nodes, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: value } }, minReady);
        const within = () => {
          const c = census(h, minReady);
          if (c.withoutAvailable > 0 || c.doubled > scaled(nodes) || c.maxPerNode > 2) throw new Error(`budget broken: ${JSON.stringify(c)}`);
        };
        for (const s of steps) {
          play(h, s);
          within();
        }
        finish(h, minReady, within);
        expect(h.podKeys()).toHaveLength(nodes);
      }),
      { numRuns: 300 },
    );
  });
});

import { reconcile } from '@everynode/reconciler';
import { cluster, daemonSet, node, nodes, pod, summary, T0 } from './fixtures';
import { Harness } from './harness';

const all = { all: true };

describe('placement', () => {
  it('creates one pod on every eligible node, with the current template, and none elsewhere', () => {
    const ds = daemonSet('d', { pod: { nodeSelector: { color: 'blue' } }, hash: 'abc', generation: 3 });
    const state = cluster({ nodes: [node('n1', { labels: { color: 'blue' } }), node('n2'), node('n3', { labels: { color: 'blue' } })], daemonSets: [ds] });
    const { actions, requeueAfterMs } = reconcile(state, all, T0);
    expect(actions).toEqual([
      { kind: 'create', daemonSet: 'default/d', node: 'n1', templateHash: 'abc', generation: 3, reason: 'Placed' },
      { kind: 'create', daemonSet: 'default/d', node: 'n3', templateHash: 'abc', generation: 3, reason: 'Placed' },
    ]);
    expect(requeueAfterMs).toBeUndefined();
  });

  it('creates for every node in one pass (no slow start)', () => {
    const state = cluster({ nodes: Array.from({ length: 2000 }, (_, i) => node(`n${i}`)), daemonSets: [daemonSet('d')] });
    expect(reconcile(state, all, T0).actions).toHaveLength(2000);
  });

  it('does nothing when every eligible node runs its pod', () => {
    const ds = daemonSet('d');
    const state = cluster({ nodes: nodes('n1', 'n2'), daemonSets: [ds], pods: [pod(ds, 'n1'), pod(ds, 'n2')] });
    expect(reconcile(state, all, T0).actions).toEqual([]);
  });

  it('places on a cordoned node', () => {
    const state = cluster({ nodes: [node('n1', { unschedulable: true })], daemonSets: [daemonSet('d')] });
    expect(summary(reconcile(state, all, T0).actions)).toEqual(['create default/d@n1 (Placed)']);
  });

  it('keeps the pod of a NotReady node and places none on another', () => {
    const ds = daemonSet('d');
    const state = cluster({ nodes: [node('n1', { ready: 'False' }), node('n2', { ready: 'Unknown' })], daemonSets: [ds], pods: [pod(ds, 'n1')] });
    expect(reconcile(state, all, T0).actions).toEqual([]);
  });

  it.each([
    ['labels no longer match', node('n1', { labels: { color: 'green' } }), 'NoLongerMatches'],
    ['an untolerated NoExecute taint', node('n1', { labels: { color: 'blue' }, taints: [{ key: 'x', effect: 'NoExecute' }] }), 'NoLongerMatches'],
  ])('removes the pod when %s', (_n, n, reason) => {
    const ds = daemonSet('d', { pod: { nodeSelector: { color: 'blue' } } });
    const p = pod(ds, 'n1');
    expect(reconcile(cluster({ nodes: [n], daemonSets: [ds], pods: [p] }), all, T0).actions).toEqual([
      { kind: 'delete', pod: p.key, daemonSet: 'default/d', node: 'n1', reason },
    ]);
  });

  it('keeps the pod under an untolerated NoSchedule taint but places no new one there', () => {
    const ds = daemonSet('d');
    const tainted = { taints: [{ key: 'x', effect: 'NoSchedule' as const }] };
    const state = cluster({ nodes: [node('n1', tainted), node('n2', tainted)], daemonSets: [ds], pods: [pod(ds, 'n1')] });
    expect(reconcile(state, all, T0).actions).toEqual([]);
  });
});

describe('scope', () => {
  const a = daemonSet('a');
  const b = daemonSet('b');
  const state = () => cluster({ nodes: nodes('n1', 'n2'), daemonSets: [a, b] });

  it('a node means every DaemonSet × that node', () => {
    expect(summary(reconcile(state(), { nodes: ['n2'] }, T0).actions)).toEqual(['create default/a@n2 (Placed)', 'create default/b@n2 (Placed)']);
  });

  it('a DaemonSet means that DaemonSet × every node', () => {
    expect(summary(reconcile(state(), { daemonSets: ['default/b'] }, T0).actions)).toEqual(['create default/b@n1 (Placed)', 'create default/b@n2 (Placed)']);
  });

  it('both at once never create twice for one slot', () => {
    const { actions } = reconcile(state(), { nodes: ['n1', 'n2'], daemonSets: ['default/a', 'default/b'] }, T0);
    expect(summary(actions)).toEqual([
      'create default/a@n1 (Placed)',
      'create default/a@n2 (Placed)',
      'create default/b@n1 (Placed)',
      'create default/b@n2 (Placed)',
    ]);
  });

  it('an empty scope decides nothing', () => {
    expect(reconcile(state(), {}, T0).actions).toEqual([]);
  });
});

describe('departed nodes', () => {
  const ds = daemonSet('d');
  const owned = pod(ds, 'gone');
  const orphan = pod(null, 'gone');
  const state = () => cluster({ nodes: nodes('n1'), daemonSets: [ds], pods: [pod(ds, 'n1'), owned, orphan] });

  it.each([
    ['the node', { nodes: ['gone'] }],
    ['everything', all],
  ])('removes every pod of a node that left, orphans included, when asked about %s', (_n, scope) => {
    expect(summary(reconcile(state(), scope, T0).actions)).toEqual([`delete ${orphan.key} (NodeLeft)`, `delete ${owned.key} (NodeLeft)`]);
  });

  it('removes the DaemonSet’s pods on departed nodes when asked about the DaemonSet', () => {
    expect(summary(reconcile(state(), { daemonSets: ['default/d'] }, T0).actions)).toEqual([`delete ${owned.key} (NodeLeft)`]);
  });
});

describe('deleted DaemonSets', () => {
  it('removes the pods of a DaemonSet that no longer exists and leaves orphans alone', () => {
    const gone = daemonSet('gone');
    const p = pod(gone, 'n1');
    const orphan = pod(null, 'n1');
    const state = cluster({ nodes: nodes('n1'), pods: [p, orphan] });
    for (const scope of [all, { nodes: ['n1'] }, { daemonSets: ['default/gone'] }]) {
      expect(reconcile(state, scope, T0).actions).toEqual([{ kind: 'delete', pod: p.key, daemonSet: 'default/gone', node: 'n1', reason: 'DaemonSetDeleted' }]);
    }
  });

  it('a re-created DaemonSet of the same name does not keep its predecessor’s pods', () => {
    const before = daemonSet('d', { uid: 'old' });
    const after = daemonSet('d', { uid: 'new' });
    const stale = pod(before, 'n1');
    const state = cluster({ nodes: nodes('n1'), daemonSets: [after], pods: [stale] });
    for (const scope of [all, { nodes: ['n1'] }]) {
      expect(summary(reconcile(state, scope, T0).actions)).toEqual([`delete ${stale.key} (DaemonSetDeleted)`, 'create default/d@n1 (Placed)']);
    }
  });
});

describe('duplicates', () => {
  const ds = daemonSet('d');
  it.each([
    ['the Ready one', [{ ready: false, scheduledAt: 1, name: 'd-a' }, { ready: true, scheduledAt: 2, name: 'd-b' }], 'd-b'],
    ['then the earliest scheduled', [{ scheduledAt: 7, name: 'd-a' }, { scheduledAt: 3, name: 'd-b' }, { scheduledAt: 5, name: 'd-c' }], 'd-b'],
    ['then by name', [{ scheduledAt: 4, name: 'd-b' }, { scheduledAt: 4, name: 'd-a' }], 'd-a'],
  ])('keeps %s', (_n, specs, kept) => {
    const pods = specs.map((s) => pod(ds, 'n1', s));
    const { actions } = reconcile(cluster({ nodes: nodes('n1'), daemonSets: [ds], pods }), all, T0);
    const deleted = actions.map((a) => (a.kind === 'delete' ? a.pod : ''));
    expect(actions.every((a) => a.kind === 'delete' && a.reason === 'Duplicate')).toBe(true);
    expect(deleted.sort()).toEqual(pods.map((p) => p.key).filter((k) => k !== `default/${kept}`).sort());
  });
});

describe('failed pods and backoff', () => {
  const setup = () => {
    const log = new Harness();
    log.joinNode(node('n1'));
    log.applyDaemonSet('d', { selector: {}, template: { spec: { containers: [{ name: 'c' }] } } }, 'h1');
    log.settle();
    return log;
  };
  const failIt = (log: Harness) => {
    const [p] = log.podsOf('default/d');
    log.podStatus(p.key, 'Failed', false);
    return p;
  };

  it('deletes a failed pod and replaces it after 1 s, 2 s, 4 s … of backoff', () => {
    const log = setup();
    for (const delay of [1000, 2000, 4000, 8000]) {
      const failed = failIt(log);
      const first = log.step();
      expect(first.actions).toEqual([{ kind: 'delete', pod: failed.key, daemonSet: 'default/d', node: 'n1', reason: 'Failed' }]);
      const held = log.step();
      expect(held.actions).toEqual([]);
      expect(held.requeueAfterMs).toBe(delay);
      log.now += delay - 1;
      expect(log.step().requeueAfterMs).toBe(1);
      log.now += 1;
      expect(summary(log.step().actions)).toEqual(['create default/d@n1 (Replaced)']);
    }
  });

  it('caps the backoff at 15 minutes', () => {
    const log = setup();
    log.state.failures.set('default/d|n1', { count: 30, lastAt: log.now });
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Deleted' }]);
    expect(log.step().requeueAfterMs).toBe(15 * 60 * 1000);
  });

  it('treats a Succeeded daemon pod like a failed one', () => {
    const log = setup();
    const [p] = log.podsOf('default/d');
    log.podStatus(p.key, 'Succeeded', false);
    expect(summary(log.step().actions)).toEqual([`delete ${p.key} (Failed)`]);
  });

  it('a failed pod on a node that no longer matches goes for that reason', () => {
    const log = setup();
    const failed = failIt(log);
    log.record('NodeUpdated', { name: 'n1', labels: {}, taints: [{ key: 'x', effect: 'NoExecute' }], unschedulable: false });
    expect(summary(log.step().actions)).toEqual([`delete ${failed.key} (NoLongerMatches)`]);
  });

  it('a user-deleted pod is replaced at once', () => {
    const log = setup();
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Deleted' }]);
    expect(summary(log.step().actions)).toEqual(['create default/d@n1 (Replaced)']);
  });
});

describe('action invariants', () => {
  it('sorts deletes first, then by DaemonSet, node and pod', () => {
    const a = daemonSet('a');
    const b = daemonSet('b');
    const state = cluster({
      nodes: [node('n1'), node('n2'), node('n3', { taints: [{ key: 'x', effect: 'NoExecute' }] })],
      daemonSets: [a, b],
      pods: [pod(b, 'n3', { name: 'b-z' }), pod(a, 'n3', { name: 'a-z' }), pod(null, 'gone', { name: 'o' })],
    });
    expect(summary(reconcile(state, all, T0).actions)).toEqual([
      'delete default/o (NodeLeft)',
      'delete default/a-z (NoLongerMatches)',
      'delete default/b-z (NoLongerMatches)',
      'create default/a@n1 (Placed)',
      'create default/a@n2 (Placed)',
      'create default/b@n1 (Placed)',
      'create default/b@n2 (Placed)',
    ]);
  });
});

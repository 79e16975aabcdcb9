import type { DaemonSetSpec, DaemonSetUpdateStrategy } from '@everynode/contracts';
import { allowsSurge, reconcile, rolloutBudget } from '@everynode/reconciler';
import { cluster, daemonSet, node, nodes, pod, summary, T0 } from './fixtures';
import { Harness } from './harness';

const spec = (image: string, updateStrategy?: DaemonSetUpdateStrategy, minReadySeconds?: number): DaemonSetSpec => ({
  selector: { matchLabels: { app: 'd' } },
  template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } },
  updateStrategy,
  minReadySeconds,
});

/** n nodes running `d` at hash v1, every pod Ready and available. */
function running(n: number, strategy?: DaemonSetUpdateStrategy, minReadySeconds?: number): Harness {
  const log = new Harness();
  for (let i = 1; i <= n; i++) log.joinNode(node(`n${i}`));
  log.applyDaemonSet('d', spec('v1', strategy, minReadySeconds), 'v1');
  log.settle();
  log.readyAll();
  log.now += (minReadySeconds ?? 0) * 1000;
  return log;
}

const hashes = (log: Harness) => log.podsOf('default/d').map((p) => `${p.node}:${p.templateHash}`);
const unavailableNodes = (log: Harness) => {
  const avail = new Set(log.podsOf('default/d').filter((p) => p.ready).map((p) => p.node));
  return [...log.state.nodes.keys()].filter((n) => !avail.has(n)).length;
};

describe('update budget', () => {
  it.each([
    [{ maxUnavailable: 1, maxSurge: 0 }, 10, { maxUnavailable: 1, maxSurge: 0 }],
    [{ maxUnavailable: '25%', maxSurge: 0 }, 10, { maxUnavailable: 3, maxSurge: 0 }], // 2.5 rounds up
    [{ maxUnavailable: 0, maxSurge: '20%' }, 6, { maxUnavailable: 0, maxSurge: 2 }], // 1.2 rounds up
    [{ maxUnavailable: 0, maxSurge: '20%' }, 5, { maxUnavailable: 0, maxSurge: 1 }],
    [{ maxUnavailable: 0, maxSurge: 0 }, 3, { maxUnavailable: 1, maxSurge: 0 }], // both zero → 1
    [{ maxUnavailable: '0%', maxSurge: '0%' }, 0, { maxUnavailable: 0, maxSurge: 0 }],
  ])('%j of %d desired → %j', (rollingUpdate, desired, expected) => {
    expect(rolloutBudget(spec('v', { type: 'RollingUpdate', rollingUpdate }), desired)).toEqual(expected);
  });

  it('surge needs RollingUpdate and a non-zero maxSurge', () => {
    expect(allowsSurge(spec('v', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1%' } }))).toBe(true);
    expect(allowsSurge(spec('v', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0 } }))).toBe(false);
    expect(allowsSurge(spec('v', { type: 'OnDelete', rollingUpdate: { maxSurge: 1 } }))).toBe(false);
  });
});

describe('RollingUpdate without surge', () => {
  it('replaces one node at a time with maxUnavailable 1: delete, then create once the delete is applied', () => {
    const log = running(3);
    log.applyDaemonSet('d', spec('v2'), 'v2');
    expect(log.step().actions).toMatchObject([{ kind: 'delete', node: 'n1', reason: 'Updated' }]);
    expect(summary(log.step().actions)).toEqual(['create default/d@n1 (Updated)']);
    expect(log.step().actions).toEqual([]); // the new pod is not Ready yet: no budget left
    log.readyAll();
    expect(log.step().actions).toMatchObject([{ kind: 'delete', node: 'n2', reason: 'Updated' }]);
  });

  it('reaches every node with at most maxUnavailable unavailable at any time', () => {
    const log = running(7, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
    log.applyDaemonSet('d', spec('v2', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }), 'v2');
    for (let round = 0; round < 10; round++) {
      log.settle();
      expect(unavailableNodes(log)).toBeLessThanOrEqual(2);
      log.readyAll();
    }
    expect(hashes(log)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'].map((n) => `${n}:v2`));
  });

  it('deletes old unavailable pods at once, beyond the budget', () => {
    const ds = daemonSet('d', { hash: 'v2' });
    const old = { templateHash: 'v1' };
    const pods = [pod(ds, 'n1', { ...old, ready: false }), pod(ds, 'n2', { ...old, ready: false }), pod(ds, 'n3', old), pod(ds, 'n4', old)];
    const { actions } = reconcile(cluster({ nodes: nodes('n1', 'n2', 'n3', 'n4'), daemonSets: [ds], pods }), { all: true }, T0);
    expect(summary(actions)).toEqual([`delete ${pods[0].key} (Updated)`, `delete ${pods[1].key} (Updated)`]);
  });

  it('counts a new pod that is not available yet against the budget, and requeues for minReadySeconds', () => {
    const ds = daemonSet('d', { hash: 'v2', minReadySeconds: 30, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } });
    const fresh = pod(ds, 'n1', { readySince: T0 - 10_000 });
    const olds = ['n2', 'n3', 'n4'].map((n) => pod(ds, n, { templateHash: 'v1' }));
    const { actions, requeueAfterMs } = reconcile(cluster({ nodes: nodes('n1', 'n2', 'n3', 'n4'), daemonSets: [ds], pods: [fresh, ...olds] }), { all: true }, T0);
    expect(summary(actions)).toEqual([`delete ${olds[0].key} (Updated)`]);
    expect(requeueAfterMs).toBe(20_000);
  });

  it('with only a node in scope, still creates the replacement after the last old pod went', () => {
    const log = running(2);
    log.applyDaemonSet('d', spec('v2'), 'v2');
    log.settle({ daemonSets: ['default/d'] });
    log.readyAll(); // n1 runs v2, n2 still v1
    expect(log.step({ nodes: ['n1'] }).actions).toMatchObject([{ kind: 'delete', node: 'n2', reason: 'Updated' }]);
    expect(summary(log.step({ nodes: ['n1'] }).actions)).toEqual(['create default/d@n2 (Updated)']);
  });

  it('rolls on when only a node is in scope (a node change frees the budget)', () => {
    const ds = daemonSet('d', { hash: 'v2' });
    const old = pod(ds, 'n1', { templateHash: 'v1' });
    const state = cluster({ nodes: nodes('n1', 'n2'), daemonSets: [ds], pods: [old, pod(ds, 'n2')] });
    expect(summary(reconcile(state, { nodes: ['n2'] }, T0).actions)).toEqual([`delete ${old.key} (Updated)`]);
  });
});

describe('RollingUpdate with surge', () => {
  const surge = (maxSurge: number | string): DaemonSetUpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } });

  it('starts the new pod beside the old one, then deletes the old one once the new is available', () => {
    const log = running(3, surge(1), 10);
    log.applyDaemonSet('d', spec('v2', surge(1), 10), 'v2');
    expect(summary(log.step().actions)).toEqual(['create default/d@n1 (Surge)']);
    expect(log.step().actions).toEqual([]);
    expect(hashes(log)).toEqual(['n1:v1', 'n1:v2', 'n2:v1', 'n3:v1']);
    log.readyAll();
    const waiting = log.step();
    expect(waiting.actions).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(10_000);
    log.now += 10_000;
    const old = log.podsOf('default/d').find((p) => p.node === 'n1' && p.templateHash === 'v1')!;
    expect(summary(log.step().actions)).toEqual([`delete ${old.key} (Updated)`]);
    expect(summary(log.step().actions)).toEqual(['create default/d@n2 (Surge)']);
  });

  it('keeps every node available and surges on at most maxSurge nodes', () => {
    const log = running(6, surge('20%'));
    log.applyDaemonSet('d', spec('v2', surge('20%')), 'v2');
    for (let round = 0; round < 10; round++) {
      log.settle();
      const pods = log.podsOf('default/d');
      expect(unavailableNodes(log)).toBe(0);
      const perNode = new Map<string, number>();
      for (const p of pods) perNode.set(p.node, (perNode.get(p.node) ?? 0) + 1);
      expect(Math.max(...perNode.values())).toBeLessThanOrEqual(2);
      expect([...perNode.values()].filter((n) => n === 2).length).toBeLessThanOrEqual(2); // ceil(20% of 6)
      log.readyAll();
    }
    expect(hashes(log)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((n) => `${n}:v2`));
  });

  it('replaces an unavailable old pod at once, beyond maxSurge', () => {
    const ds = daemonSet('d', { hash: 'v2', strategy: surge(1) });
    const pods = ['n1', 'n2', 'n3'].map((n) => pod(ds, n, { templateHash: 'v1', ready: n !== 'n3' }));
    const { actions } = reconcile(cluster({ nodes: nodes('n1', 'n2', 'n3'), daemonSets: [ds], pods }), { all: true }, T0);
    expect(summary(actions)).toEqual(['create default/d@n1 (Surge)', 'create default/d@n3 (Surge)']);
  });

  it('drops a not-Ready old pod as soon as a new one runs beside it', () => {
    const ds = daemonSet('d', { hash: 'v2', strategy: surge(1) });
    const old = pod(ds, 'n1', { templateHash: 'v1', ready: false });
    const state = cluster({ nodes: nodes('n1'), daemonSets: [ds], pods: [old, pod(ds, 'n1', { ready: false })] });
    expect(summary(reconcile(state, { all: true }, T0).actions)).toEqual([`delete ${old.key} (Updated)`]);
  });
});

describe('OnDelete', () => {
  it('a template change touches no running pod; a deleted pod comes back with the new template', () => {
    const onDelete: DaemonSetUpdateStrategy = { type: 'OnDelete' };
    const log = running(2, onDelete);
    log.applyDaemonSet('d', spec('v2', onDelete), 'v2');
    expect(log.settle()).toBe(0);
    expect(hashes(log)).toEqual(['n1:v1', 'n2:v1']);
    const [first] = log.podsOf('default/d');
    log.apply([{ kind: 'delete', pod: first.key, daemonSet: 'default/d', node: 'n1', reason: 'Deleted' }]);
    expect(log.step().actions).toMatchObject([{ kind: 'create', node: 'n1', templateHash: 'v2', reason: 'Replaced' }]);
    expect(log.state.daemonSets.get('default/d')!.revisions).toEqual(new Map([['v1', 1], ['v2', 2]]));
  });
});

describe('rollback', () => {
  it('going back to an earlier template reuses its hash: pods already running it stay', () => {
    const log = running(4);
    log.applyDaemonSet('d', spec('v2'), 'v2');
    log.settle(); // n1 now waits on a v2 pod that is not Ready
    expect(hashes(log)).toEqual(['n1:v2', 'n2:v1', 'n3:v1', 'n4:v1']);
    log.applyDaemonSet('d', spec('v1'), 'v1');
    const v1Pods = log.podsOf('default/d').filter((p) => p.templateHash === 'v1').map((p) => p.key);
    const { actions } = log.step();
    expect(actions).toMatchObject([{ kind: 'delete', node: 'n1', reason: 'Updated' }]); // the unavailable v2 pod
    log.settle();
    expect(hashes(log)).toEqual(['n1:v1', 'n2:v1', 'n3:v1', 'n4:v1']);
    expect(log.podsOf('default/d').filter((p) => p.node !== 'n1').map((p) => p.key)).toEqual(v1Pods);
    // Like upstream, the reused revision is renumbered to the newest (as the DaemonSetUpdated event says).
    expect(log.state.daemonSets.get('default/d')!.revisions).toEqual(new Map([['v1', 3], ['v2', 2]]));
  });
});

import type { NodeSelectorRequirement, Taint, Toleration } from '@everynode/contracts';
import {
  DAEMON_TOLERATIONS,
  labelSelectorMatches,
  matchesNodeSelector,
  matchesRequiredNodeAffinity,
  nodeShouldRun,
  tolerates,
} from '@everynode/reconciler';
import { daemonSet, node } from './fixtures';

const run = (n = node('n1'), ds = daemonSet('d')) => {
  const p = nodeShouldRun(n, ds);
  return [p.shouldRun, p.shouldContinueRunning];
};

describe('nodeName', () => {
  it.each([
    [undefined, [true, true]],
    ['n1', [true, true]],
    ['n2', [false, false]],
  ])('template nodeName %s on node n1 → %j', (nodeName, expected) => {
    expect(run(node('n1'), daemonSet('d', { pod: { nodeName } }))).toEqual(expected);
  });
});

describe('nodeSelector', () => {
  it.each([
    [{ color: 'blue' }, { color: 'blue', zone: 'a' }, true],
    [{ color: 'blue' }, { color: 'green' }, false],
    [{ color: 'blue' }, {}, false],
    [{ color: 'blue', zone: 'a' }, { color: 'blue' }, false],
    [{}, { anything: 'x' }, true],
  ])('%j on labels %j → %s', (selector, labels, expected) => {
    expect(matchesNodeSelector(selector, labels)).toBe(expected);
    expect(run(node('n1', { labels }), daemonSet('d', { pod: { nodeSelector: selector } }))).toEqual([expected, expected]);
  });
});

describe('required node affinity', () => {
  const affinity = (...terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  const expr = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]) => ({ key, operator, values });
  const n = { name: 'n1', labels: { zone: 'a', cores: '8' } };

  it.each([
    ['In match', expr('zone', 'In', ['a', 'b']), true],
    ['In miss', expr('zone', 'In', ['b']), false],
    ['In absent label', expr('gpu', 'In', ['yes']), false],
    ['NotIn match', expr('zone', 'NotIn', ['b']), true],
    ['NotIn miss', expr('zone', 'NotIn', ['a']), false],
    ['NotIn absent label', expr('gpu', 'NotIn', ['yes']), true],
    ['Exists', expr('zone', 'Exists'), true],
    ['Exists absent', expr('gpu', 'Exists'), false],
    ['DoesNotExist', expr('gpu', 'DoesNotExist'), true],
    ['DoesNotExist present', expr('zone', 'DoesNotExist'), false],
    ['Gt', expr('cores', 'Gt', ['4']), true],
    ['Gt equal', expr('cores', 'Gt', ['8']), false],
    ['Lt', expr('cores', 'Lt', ['16']), true],
    ['Lt smaller', expr('cores', 'Lt', ['2']), false],
    ['Gt on a non-integer label', expr('zone', 'Gt', ['1']), false],
    ['Gt with two values', expr('cores', 'Gt', ['1', '2']), false],
    ['Gt absent label', expr('gpu', 'Gt', ['1']), false],
  ])('%s', (_name, requirement, expected) => {
    expect(matchesRequiredNodeAffinity(affinity({ matchExpressions: [requirement] }), n)).toBe(expected);
  });

  it('ANDs the expressions of one term', () => {
    expect(matchesRequiredNodeAffinity(affinity({ matchExpressions: [expr('zone', 'In', ['a']), expr('cores', 'Gt', ['4'])] }), n)).toBe(true);
    expect(matchesRequiredNodeAffinity(affinity({ matchExpressions: [expr('zone', 'In', ['a']), expr('cores', 'Gt', ['9'])] }), n)).toBe(false);
  });

  it('ORs the terms', () => {
    const t = affinity({ matchExpressions: [expr('zone', 'In', ['z'])] }, { matchExpressions: [expr('cores', 'Lt', ['9'])] });
    expect(matchesRequiredNodeAffinity(t, n)).toBe(true);
  });

  it('matches nothing with no terms or an empty term', () => {
    expect(matchesRequiredNodeAffinity(affinity(), n)).toBe(false);
    expect(matchesRequiredNodeAffinity(affinity({}), n)).toBe(false);
  });

  it.each([
    [expr('metadata.name', 'In', ['n1']), true],
    [expr('metadata.name', 'In', ['n2']), false],
    [expr('metadata.name', 'NotIn', ['n2']), true],
    [expr('metadata.name', 'Exists'), false], // only In / NotIn are valid on fields
    [expr('metadata.labels', 'In', ['n1']), false],
  ])('matchFields %j → %s', (field, expected) => {
    expect(matchesRequiredNodeAffinity(affinity({ matchFields: [field] }), n)).toBe(expected);
  });

  it('applies together with the nodeSelector', () => {
    const ds = daemonSet('d', { pod: { nodeSelector: { zone: 'a' }, affinity: affinity({ matchExpressions: [expr('cores', 'Gt', ['16'])] }) } });
    expect(run(node('n1', { labels: n.labels }), ds)).toEqual([false, false]);
  });
});

describe('taints', () => {
  const on = (taints: Taint[], tolerations?: Toleration[], hostNetwork?: boolean) =>
    run(node('n1', { taints }), daemonSet('d', { pod: { tolerations, hostNetwork } }));

  it.each([
    ['NoSchedule → (no, yes)', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }], [false, true]],
    ['NoExecute → (no, no)', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }], [false, false]],
    ['PreferNoSchedule is ignored', [{ key: 'dedicated', effect: 'PreferNoSchedule' }], [true, true]],
    ['NoExecute wins over NoSchedule', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], [false, false]],
  ] as [string, Taint[], boolean[]][])('%s', (_n, taints, expected) => {
    expect(on(taints)).toEqual(expected);
  });

  it.each([
    ['Equal with the value', { key: 'dedicated', operator: 'Equal', value: 'db' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'web' }, false],
    ['operator defaults to Equal', { key: 'dedicated', value: 'db' }, true],
    ['Exists on the key', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists with no key tolerates everything', { operator: 'Exists' }, true],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, false],
    ['empty effect matches every effect', { key: 'dedicated', operator: 'Exists', effect: '' }, true],
  ] as [string, Toleration, boolean][])('toleration %s', (_n, toleration, expected) => {
    const taint: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
    expect(tolerates([toleration], taint)).toBe(expected);
    expect(on([taint], [toleration])).toEqual(expected ? [true, true] : [false, false]);
  });
});

describe('automatic daemon tolerations', () => {
  it.each([
    ['node.kubernetes.io/not-ready', 'NoExecute'],
    ['node.kubernetes.io/unreachable', 'NoExecute'],
    ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
    ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
    ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
    ['node.kubernetes.io/unschedulable', 'NoSchedule'],
  ] as const)('%s:%s is tolerated', (key, effect) => {
    expect(run(node('n1', { taints: [{ key, effect }] }))).toEqual([true, true]);
  });

  it('tolerates network-unavailable only with hostNetwork', () => {
    const taints: Taint[] = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }];
    expect(run(node('n1', { taints }), daemonSet('d', { pod: { hostNetwork: true } }))).toEqual([true, true]);
    expect(run(node('n1', { taints }), daemonSet('d'))).toEqual([false, true]);
    expect(DAEMON_TOLERATIONS(true)).toHaveLength(7);
    expect(DAEMON_TOLERATIONS(false)).toHaveLength(6);
  });

  it('does not tolerate the NoSchedule form of not-ready', () => {
    expect(run(node('n1', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }))).toEqual([false, true]);
  });
});

describe('cordon and readiness', () => {
  it('a cordoned node still runs daemon pods', () => {
    expect(run(node('n1', { unschedulable: true }))).toEqual([true, true]);
  });

  it.each([
    ['False', [false, true]],
    ['Unknown', [false, true]],
    ['True', [true, true]],
  ] as const)('Ready=%s → %j: a NotReady node keeps its pod but gets no new one', (ready, expected) => {
    expect(run(node('n1', { ready }))).toEqual(expected);
  });

  it('a DaemonSet tolerating not-ready:NoSchedule still places on NotReady nodes', () => {
    const ds = daemonSet('d', { pod: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] } });
    expect(run(node('n1', { ready: 'False' }), ds)).toEqual([true, true]);
  });
});

describe('labelSelectorMatches', () => {
  it.each([
    [{}, { a: '1' }, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In' as const, values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn' as const, values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' as const }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' as const }] }, {}, true],
    [{ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' as const }] }, { a: '1' }, false],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});

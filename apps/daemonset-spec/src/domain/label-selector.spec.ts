import { formatLabels, formatSelector, selectorMatches } from './label-selector';

describe('selectorMatches', () => {
  const labels = { name: 'liberator', tier: 'system' };

  it('ANDs matchLabels and matchExpressions', () => {
    expect(selectorMatches({ matchLabels: { name: 'liberator' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { name: 'other' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { name: 'liberator' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['system', 'x'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['system'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('selects everything when empty and nothing when absent or invalid', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { 'bad key': 'x' } }, { 'bad key': 'x' })).toBe(false);
  });
});

describe('formatSelector and formatLabels', () => {
  it('print as kubectl shows them', () => {
    expect(formatSelector({ matchLabels: { name: 'liberator' } })).toBe('name=liberator');
    expect(
      formatSelector({
        matchLabels: { tier: 'system' },
        matchExpressions: [
          { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
          { key: 'app', operator: 'Exists' },
          { key: 'gone', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app,!gone,tier=system,zone notin (a,b)');
    expect(formatSelector({})).toBe('<none>');
    expect(formatSelector({ matchExpressions: [{ key: 'x', operator: 'In', values: [] }] })).toBe('<error>');
    expect(formatLabels({ disk: 'ssd', color: 'blue' })).toBe('color=blue,disk=ssd');
    expect(formatLabels({})).toBe('<none>');
  });
});

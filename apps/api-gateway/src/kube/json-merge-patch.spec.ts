import fc from 'fast-check';
import { applyMergePatch } from './json-merge-patch';

describe('applyMergePatch (RFC 7386)', () => {
  // The test cases of RFC 7386, appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (original, patch, expected) => {
    expect(applyMergePatch(original, patch)).toEqual(expected);
  });

  it('adds and removes node labels the way kubectl label sends them', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: '1', color: 'blue' } } };
    expect(applyMergePatch(node, { metadata: { labels: { color: 'green', zone: 'z1' } } })).toEqual({
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: '1', color: 'green', zone: 'z1' } },
    });
    expect(applyMergePatch(node, { metadata: { labels: { color: null } } })).toEqual({
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: '1' } },
    });
  });

  it('keeps a __proto__ key an ordinary member', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('never modifies its inputs', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (original, patch) => {
        const before = JSON.stringify([original, patch]);
        applyMergePatch(original, patch);
        expect(JSON.stringify([original, patch])).toBe(before);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (original, patch) => {
        const once = applyMergePatch(original, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
    );
  });
});

import { statusThrownBy } from '@everynode/contracts';
import { applyJsonPatch } from './json-patch';

describe('applyJsonPatch (RFC 6902)', () => {
  // The examples of RFC 6902, appendix A.
  it.each([
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['A.6 move a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['A.8 test a value: success', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
      { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['replace an array element', { a: [1, 2, 3] }, [{ op: 'replace', path: '/a/1', value: 9 }], { a: [1, 9, 3] }],
  ])('%s', (_name, doc, patch, expected) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, patch)).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(before); // the input is left alone
  });

  it.each([
    ['A.9 test a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 422],
    ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 422],
    ['remove a missing member', { foo: 'bar' }, [{ op: 'remove', path: '/nope' }], 422],
    ['replace a missing member', { foo: 'bar' }, [{ op: 'replace', path: '/nope', value: 1 }], 422],
    ['an index out of bounds', { a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }], 422],
    ['move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 422],
    ['A.13 invalid operation', { a: 1 }, [{ op: 'frob', path: '/a' }], 400],
    ['a patch that is not a list', { a: 1 }, { op: 'add' }, 400],
    ['a missing value', { a: 1 }, [{ op: 'add', path: '/b' }], 400],
    ['a pointer without a leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }], 400],
  ])('refuses %s', (_name, doc, patch, code) => {
    expect(statusThrownBy(() => applyJsonPatch(doc, patch)).code).toBe(code);
  });

  it('changes the image of a DaemonSet the way kubectl patch --type=json does', () => {
    const ds = { spec: { template: { spec: { containers: [{ name: 'liberator', image: 'maho/liberator:0.1' }] } } } };
    const patched = applyJsonPatch(ds, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'maho/liberator:0.2' }]);
    expect(patched).toEqual({ spec: { template: { spec: { containers: [{ name: 'liberator', image: 'maho/liberator:0.2' }] } } } });
  });

  it('keeps __proto__ an ordinary member', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true}}');
  });
});

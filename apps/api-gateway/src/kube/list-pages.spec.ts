import { statusThrownBy } from '@everynode/contracts';
import { decodeContinue, encodeContinue, MAX_LIST_LIMIT, page, parseLimit } from './list-pages';

const obj = (namespace: string, name: string) => ({ metadata: { namespace, name } });
const compare = (a: ReturnType<typeof obj>, b: ReturnType<typeof obj>) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name);

describe('list pages', () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((n) => obj('ns', n));

  it('reads limit as ListOptions does: absent or not positive is everything, above the maximum is the maximum', () => {
    expect([null, '', '0', '-3'].map(parseLimit)).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseLimit('2')).toBe(2);
    expect(parseLimit('100000')).toBe(MAX_LIST_LIMIT);
    expect(statusThrownBy(() => parseLimit('abc'))).toMatchObject({ code: 400, message: 'limit: Invalid value: "abc": strconv.ParseInt: parsing "abc": invalid syntax' });
    expect(statusThrownBy(() => parseLimit('99999999999999999999')).message).toContain('value out of range');
  });

  it('pages through everything with continue tokens, each page after the last key of the one before', () => {
    const first = page(items, { limit: 2, rv: 7, compare });
    expect(first.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(first.remainingItemCount).toBe(3);
    expect(decodeContinue(first.continue!)).toEqual({ rv: 7, start: 'ns/b' });
    const second = page(items, { limit: 2, rv: 7, start: 'ns/b', compare });
    expect(second.items.map((i) => i.metadata.name)).toEqual(['c', 'd']);
    const last = page(items, { limit: 2, rv: 7, start: decodeContinue(second.continue!).start, compare });
    expect(last).toEqual({ items: [obj('ns', 'e')] });
    // An object deleted meanwhile does not shift the pages: they continue after a key, not an index.
    expect(page(items.filter((i) => i.metadata.name !== 'b'), { limit: 2, rv: 7, start: 'ns/b', compare }).items.map((i) => i.metadata.name)).toEqual(['c', 'd']);
  });

  it('upstream token format: base64url JSON with v, rv and start', () => {
    const token = encodeContinue({ rv: 12, start: '/k8s-node01' });
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 12, start: '/k8s-node01' });
  });

  it('refuses a token it did not hand out with 400 "continue key is not valid"', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string][] = [
      ['%%%', 'continue key is not valid: illegal base64 data at input byte 0'],
      ['abc', expect.stringMatching(/^continue key is not valid: /) as unknown as string],
      [b64({ v: 'meta.k8s.io/v2', rv: 1, start: 'a/b' }), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
      [b64({ v: 'meta.k8s.io/v1', rv: -1, start: 'a/b' }), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
      [b64({ v: 'meta.k8s.io/v1', rv: 1, start: '' }), 'continue key is not valid: encoded start key empty'],
      [b64({ v: 'meta.k8s.io/v1', rv: 1, start: 'a/b/c' }), 'continue key is not valid: start key "a/b/c" is not a namespace/name key'],
      [b64(null), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    ];
    for (const [token, message] of cases) expect(statusThrownBy(() => decodeContinue(token))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
});

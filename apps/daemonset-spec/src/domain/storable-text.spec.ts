import { statusThrownBy } from '@everynode/contracts';
import { nulPath, refuseNul } from './storable-text';

// Found by the API fuzzer: a NUL in a namespace (`/namespaces/%00/daemonsets`) reached a query and was a 500.
describe('text PostgreSQL can store', () => {
  it('finds a NUL in any string or key, and says where', () => {
    expect(nulPath({ metadata: { name: 'ok', labels: { a: 'b' } }, spec: { args: ['x', 'y'] } })).toBeUndefined();
    expect(nulPath({ metadata: { annotations: { a: 'x\u0000y' } } })).toBe('metadata.annotations.a');
    expect(nulPath({ spec: { args: ['ok', '\u0000'] } })).toBe('spec.args[1]');
    expect(nulPath({ metadata: { labels: { 'a\u0000': 'b' } } })).toBe('key "a\\u0000" in metadata.labels');
  });

  it('refuses it as the client error it is (400)', () => {
    expect(statusThrownBy(() => refuseNul({ spec: { args: ['\u0000'] } }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'the object contains a NUL character (\\u0000) at spec.args[0], which cannot be stored',
    });
  });
});

import { statusThrownBy } from '@everynode/contracts';
import { refuseUnstorableText, unstorableText } from './storable-text';

// Found by the API fuzzer: a NUL in a namespace (`/namespaces/%00/daemonsets`) reached a query and was a 500;
// PostgreSQL's jsonb refuses an unpaired surrogate (`"\ud800"` in JSON) the same way.
describe('text PostgreSQL can store', () => {
  it('finds a NUL or an unpaired surrogate in any string or key, and says where', () => {
    expect(unstorableText({ metadata: { name: 'ok', labels: { a: 'b' } }, spec: { args: ['x', '😀'] } })).toBeUndefined();
    expect(unstorableText({ metadata: { annotations: { a: 'x\u0000y' } } })).toEqual({ what: 'a NUL character (\\u0000)', at: 'metadata.annotations.a' });
    expect(unstorableText({ spec: { args: ['ok', 'a\ud800'] } })).toEqual({ what: 'an unpaired UTF-16 surrogate', at: 'spec.args[1]' });
    expect(unstorableText({ spec: { args: ['\udc00x'] } })?.at).toBe('spec.args[0]');
    expect(unstorableText({ metadata: { labels: { 'a\u0000': 'b' } } })?.at).toBe('key "a\\u0000" in metadata.labels');
  });

  it('refuses it as the client error it is (400)', () => {
    expect(statusThrownBy(() => refuseUnstorableText({ spec: { args: ['\u0000'] } }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'the object contains a NUL character (\\u0000) at spec.args[0], which cannot be stored',
    });
  });
});

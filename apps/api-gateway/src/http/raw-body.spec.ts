import { statusThrownBy } from '@everynode/contracts';
import { parseJsonBody, parseYamlBody } from './raw-body';

const body = (text: string) => Buffer.from(text);

describe('request bodies', () => {
  // Found by the API fuzzer: JSON.parse takes any depth, but the patch functions and the NATS encoder
  // recurse, so a deep body was a 500 (or a 503 from a command that could not be encoded).
  it('refuses JSON nested deeper than 100 levels with a 400', () => {
    const deep = (n: number) => `{"spec":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    expect(parseJsonBody(body(deep(100)))).toBeDefined();
    for (const n of [101, 100_000]) {
      expect(statusThrownBy(() => parseJsonBody(body(deep(n))))).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: "couldn't get version/kind; json parse error: exceeded max depth of 100",
      });
    }
  });

  // Found by the API fuzzer: ten thousand unclosed `[` in a YAML body could abort the gateway process.
  it('refuses deep YAML before the parser recurses', () => {
    for (const text of [`a: ${'['.repeat(10_000)}`, `a: ${'['.repeat(101)}${']'.repeat(101)}`, Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')]) {
      expect(statusThrownBy(() => parseYamlBody(body(text)))).toMatchObject({ code: 400, message: 'error decoding YAML: yaml: exceeded max depth of 100' });
    }
  });

  // Found by the API fuzzer: PostgreSQL cannot store a NUL (nor an unpaired surrogate), so one in a body failed the append (500).
  it('refuses a NUL or an unpaired surrogate anywhere in a JSON or YAML body with a 400 that says where', () => {
    expect(statusThrownBy(() => parseJsonBody(body('{"spec":{"args":["\\ud800"]}}'))).message).toBe('the object contains an unpaired UTF-16 surrogate at spec.args[0], which cannot be stored');
    const message = 'the object contains a NUL character (\\u0000) at metadata.annotations.a, which cannot be stored';
    expect(statusThrownBy(() => parseJsonBody(body('{"metadata":{"annotations":{"a":"x\\u0000"}}}')))).toMatchObject({ code: 400, message });
    expect(statusThrownBy(() => parseYamlBody(body('metadata:\n  annotations:\n    a: "x\\0"\n')))).toMatchObject({ code: 400, message });
  });

  it('resolves a few aliases, as the API server does, and refuses an alias bomb', () => {
    expect(parseYamlBody(body('a: &a {k: v}\nb: *a\n'))).toEqual({ a: { k: 'v' }, b: { k: 'v' } });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    expect(statusThrownBy(() => parseYamlBody(body(bomb.join('\n'))))).toMatchObject({ code: 400, message: 'error decoding YAML: yaml: document contains excessive aliasing' });
  });
});

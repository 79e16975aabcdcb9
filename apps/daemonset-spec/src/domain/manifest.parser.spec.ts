import { statusThrownBy } from '@everynode/contracts';
import { MAX_DEPTH, parseManifest } from './manifest.parser';
import { liberatorYaml } from './fixtures/liberator.fixture';


describe('parseManifest', () => {
  it('reads the liberator YAML with its quantities as written', () => {
    const m = parseManifest(liberatorYaml) as any;
    expect(m.metadata).toEqual({ name: 'liberator', namespace: 'tkr-system' });
    expect(m.spec.template.spec.containers[0].resources).toEqual({ limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
  });

  it('reads JSON, with or without a byte order mark', () => {
    expect(parseManifest('\uFEFF{"kind":"DaemonSet","spec":{"minReadySeconds":5}}')).toEqual({ kind: 'DaemonSet', spec: { minReadySeconds: 5 } });
  });

  it('names the line and column of malformed YAML', () => {
    const status = statusThrownBy(() => parseManifest('metadata:\n  name: x\n   bad: [1, 2\n'));
    expect(status.code).toBe(400);
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toMatch(/^error converting YAML to JSON: yaml: line \d+, column \d+: /);
  });

  it('names the line and column of malformed JSON', () => {
    const status = statusThrownBy(() => parseManifest('{\n  "kind": "DaemonSet" "spec"\n}'));
    expect(status.code).toBe(400);
    expect(status.message).toBe('error converting YAML to JSON: yaml: line 2, column 23: Unexpected double-quoted-scalar at node end');
  });

  it('refuses duplicate keys, several documents and an empty body', () => {
    expect(statusThrownBy(() => parseManifest('a: 1\na: 2\n')).message).toMatch(/line 2, column 1: Map keys must be unique/);
    expect(statusThrownBy(() => parseManifest('a: 1\n---\nb: 2\n')).message).toMatch(/multiple documents/);
    expect(statusThrownBy(() => parseManifest('  \n')).code).toBe(400);
  });

  it('refuses an alias bomb as 400', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const status = statusThrownBy(() => parseManifest(bomb));
    expect(status.code).toBe(400);
    expect(status.message).toMatch(/Excessive alias count/);
  });

  it('refuses nesting deeper than the limit, in JSON and in YAML', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseManifest(deep(MAX_DEPTH))).toBeDefined();
    expect(statusThrownBy(() => parseManifest(deep(MAX_DEPTH + 1))).message).toBe(`the manifest nests deeper than ${MAX_DEPTH} levels`);
    expect(statusThrownBy(() => parseManifest(deep(200_000))).code).toBe(400);
    expect(statusThrownBy(() => parseManifest(`a: ${deep(MAX_DEPTH + 1)}`)).code).toBe(400);
  });

  // Found by the API fuzzer: a few thousand unclosed `[` (or indentation steps) overflowed the YAML
  // composer's stack, and a stack overflow inside V8's regexp compiler aborts the whole process.
  it('refuses deep YAML before parsing it, whether flow, block or unclosed', () => {
    const tooDeep = `error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DEPTH}`;
    for (let i = 0; i < 20; i++) expect(statusThrownBy(() => parseManifest(`a: ${'['.repeat(10_000 + i)}`)).message).toBe(tooDeep);
    expect(statusThrownBy(() => parseManifest('['.repeat(1_000_000))).message).toBe(tooDeep); // not JSON: read as YAML
    expect(statusThrownBy(() => parseManifest(Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'))).message).toBe(tooDeep);
    expect(statusThrownBy(() => parseManifest(`a: ${'- '.repeat(5000)}x`)).message).toBe(tooDeep);
    expect(parseManifest(`a: "${'['.repeat(10_000)}"`)).toEqual({ a: '['.repeat(10_000) }); // inside a string it is text
  });
});

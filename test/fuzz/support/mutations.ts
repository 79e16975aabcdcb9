// Bad input, generated: odd values, mutated documents, and the ways a body can be encoded or broken.
import fc from 'fast-check';
import { stringify } from 'yaml';

type Json = unknown;
type Path = (string | number)[];

/** Own keys only: assigning `__proto__` would set a prototype instead of making a key. */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const nested = (depth: number, leaf: unknown, asList: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asList ? [v] : { a: v };
  return v;
};

/** Values no field expects (and a few that some field does). */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 1, 2 ** 63, 1e308, -1e308, Number.MAX_SAFE_INTEGER,
    '', ' ', '0', '-1', '1e3', '100m', '200Mi', '1Ei', '9'.repeat(40), '0.000000001', 'Always', 'OnDelete', 'RollingUpdate', '50%', '101%', '-5%',
    'true', 'null', '~', '__proto__', '\u0000', '\ud83d\ude00', '\ud800', 'a\udc00b', 'é', 'İstanbul', '\u202e', 'a\nb', 'x'.repeat(64), 'a'.repeat(254), 'TCP', 'NoSchedule',
    [], {}, [null], { '': '' }, { name: 1 }, [{}], [[]], { $patch: 'delete' }, { $patch: 'replace' },
    { toString: {} }, { valueOf: {}, toString: null }, // objects a careless `${value}` cannot print
  ),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 70 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ depth: fc.integer({ min: 20, max: 150 }), list: fc.boolean() }).map(({ depth, list }) => nested(depth, 'deep', list)),
);

export const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '$patch', '$retainKeys', '$setElementOrder/containers',
    '$deleteFromPrimitiveList/args', 'apiVersion', 'kind', 'metadata', 'spec', 'status', 'name', 'Name', 'name ', 'x'.repeat(300), 'a/b/c', '~1',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Every path in a JSON document, the root ([]) first. */
export function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** Strings and numbers of the right type but doubtful content: what validation (422), not decoding, must catch. */
const oddText = fc.oneof(
  fc.constantFrom('', '-', 'UPPER', 'a_b', 'a..b', '-lead', 'trail-', 'x'.repeat(64), 'a'.repeat(254), 'é', '\ud83d\ude00', '100m', '1Ei', 'lots', '50%', 'a/b', 'k8s.io/x', ' ', '\ud800', 'x\u0000'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const oddNumber = fc.oneof(fc.constantFrom(0, -1, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 + 1, 1e308, 0.5), fc.integer());

export interface Mutation {
  pick: number;
  op: 'set' | 'retype' | 'delete' | 'rename' | 'wrap' | 'nest' | 'addKey' | 'duplicate' | 'stringify';
  value: Json;
  key: string;
  text: string;
  number: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('set', 'set', 'retype', 'retype', 'retype', 'retype', 'delete', 'delete', 'rename', 'wrap', 'nest', 'addKey', 'duplicate', 'stringify'),
  value: oddValue,
  key: oddKey,
  text: oddText,
  number: oddNumber,
});

/** `doc` (untouched) with the mutation applied at one of its paths. */
export function mutate(doc: Json, m: Mutation): Json {
  const root = { root: clone(doc) } as Record<string, unknown>;
  const paths = pathsOf(root.root).map((p) => ['root', ...p]);
  const path = paths[m.pick % paths.length];
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, root);
  const last = path[path.length - 1];
  const current = parent[last];
  switch (m.op) {
    case 'set':
      parent[last] = m.value;
      break;
    case 'retype':
      // The same JSON type, another value: a string stays a string, a number a number.
      if (typeof current === 'string') parent[last] = m.text;
      else if (typeof current === 'number') parent[last] = m.number;
      else if (typeof current === 'boolean') parent[last] = !current;
      else if (current && typeof current === 'object' && !Array.isArray(current)) {
        const keys = Object.keys(current);
        if (keys.length) (current as Record<string, unknown>)[keys[m.pick % keys.length]] = m.text;
      } else parent[last] = m.text;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'rename':
      if (!Array.isArray(parent) && last !== 'root') {
        delete parent[last];
        setOwn(parent, m.key, current);
      }
      break;
    case 'wrap':
      parent[last] = [current];
      break;
    case 'nest':
      parent[last] = nested(30 + (m.pick % 120), current, m.pick % 2 === 0);
      break;
    case 'addKey':
      if (current && typeof current === 'object' && !Array.isArray(current)) setOwn(current as Record<string, unknown>, m.key, m.value);
      else if (Array.isArray(current)) current.push(m.value);
      else parent[last] = { [m.key]: m.value };
      break;
    case 'duplicate':
      if (Array.isArray(current)) current.push(clone(current[0] ?? m.value), clone(current[0] ?? m.value));
      else parent[last] = [current, current];
      break;
    case 'stringify':
      parent[last] = typeof current === 'string' ? Number(current) : JSON.stringify(current ?? null);
      break;
  }
  return root.root;
}

/** How a document goes on the wire, correctly or not. */
export type Encoding =
  | 'json' | 'yaml' | 'yaml-duplicate-key' | 'yaml-alias' | 'yaml-alias-bomb' | 'yaml-tags' | 'truncated' | 'byte-flip'
  | 'invalid-utf8' | 'bom' | 'huge-number' | 'multi-document' | 'empty' | 'deep-json';

export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom<Encoding>(
  'json', 'json', 'json', 'json', 'json', 'json', 'yaml', 'yaml', 'yaml', 'yaml', 'yaml-duplicate-key', 'yaml-alias', 'yaml-alias-bomb', 'yaml-tags', 'truncated', 'byte-flip',
  'invalid-utf8', 'bom', 'huge-number', 'multi-document', 'empty', 'deep-json',
);

/** The body bytes of `doc` under `how`; `seed` picks where a damaging encoding cuts or flips. */
export function encode(doc: Json, how: Encoding, seed: number): Buffer {
  const json = JSON.stringify(doc) ?? 'null';
  const yaml = () => stringify(doc ?? null);
  switch (how) {
    case 'json':
      return Buffer.from(json);
    case 'yaml':
      return Buffer.from(yaml());
    case 'yaml-duplicate-key': {
      const lines = yaml().split('\n');
      const at = seed % Math.max(1, lines.length - 1);
      lines.splice(at, 0, lines[at]);
      return Buffer.from(lines.join('\n'));
    }
    case 'yaml-alias':
      return Buffer.from(`${yaml()}\nx-anchor: &a {k: v}\nx-alias: *a\n`);
    case 'yaml-alias-bomb': {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i <= 8; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      return Buffer.from(`apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: bomb\n${levels.join('\n')}\n`);
    }
    case 'yaml-tags':
      return Buffer.from(`!!map\n${yaml().replace(/: (\S+)$/m, ': !!binary $1').replace(/: /, ': !custom ')}`);
    case 'truncated':
      return Buffer.from(json.slice(0, seed % Math.max(1, json.length)));
    case 'byte-flip': {
      const bytes = Buffer.from(seed % 2 ? json : yaml());
      if (bytes.length) bytes[seed % bytes.length] = (bytes[seed % bytes.length] + 1 + (seed % 200)) % 256;
      return bytes;
    }
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from(json.slice(0, json.length >> 1)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(json.slice(json.length >> 1))]);
    case 'bom':
      return Buffer.from(`\uFEFF${seed % 2 ? json : yaml()}`);
    case 'huge-number':
      return Buffer.from(json.replace(/\d+/, ['1e999', '123456789012345678901234567890', '-0', '1E400', '0.1e-999', '00012'][seed % 6]));
    case 'multi-document':
      return Buffer.from(`${yaml()}\n---\n${yaml()}`);
    case 'empty':
      return Buffer.from(['', ' ', '\n', 'null', '[]', '""', '0', '{}'][seed % 8]);
    case 'deep-json': {
      const depth = 200 + (seed % 20_000);
      return Buffer.from(`{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"deep"},"spec":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    }
  }
}

/** The Content-Type sent: the right one most of the time, else a wrong, odd or missing one. */
export const contentTypeFor = (right: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...right) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | null>(
        null, '', 'text/plain', 'application/xml', 'application/vnd.kubernetes.protobuf', 'application/json; charset=latin1', 'APPLICATION/JSON',
        'application/yaml;;;', '*/*', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/merge-patch+json',
        'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/x-www-form-urlencoded', 'application/\u00e9',
      ),
    },
  );

/** `text` as a path segment; an unpaired surrogate (which has no UTF-8) becomes the bytes it would be in CESU-8. */
export function pathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
}

/** A URL path segment: usually a sensible name, sometimes one no object can have (encoded or not). */
export const segment = (sensible: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...sensible) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('%', '%zz', '%00', '..', '.', 'a'.repeat(300), 'UPPER', 'under_score', '-lead', '%E2%80%AE', '%2F', 'a%20b', '%C3%28'),
        fc.string({ unit: 'binary', maxLength: 20 }).map(pathSegment),
      ),
    },
  );

import fc from 'fast-check';
import { statusThrownBy } from '@everynode/contracts';
import { decodeNamespaceProtobuf, PROTOBUF_MAGIC, type DecodedNamespace } from './protobuf-envelope';

// A tiny protobuf writer for the test vectors (the gateway itself only reads protobuf).
const varint = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
};
const key = (field: number, wireType: number) => varint(field * 8 + wireType);
const bytesField = (field: number, bytes: number[]) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string) => bytesField(field, [...new TextEncoder().encode(text)]);
const varintField = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const mapField = (field: number, map: Record<string, string> = {}) =>
  Object.entries(map).flatMap(([k, v]) => bytesField(field, [...stringField(1, k), ...stringField(2, v)]));

/** What Go's generated marshaller writes for a Namespace: every string field, empty or not. */
function encodeNamespace(ns: DecodedNamespace): Uint8Array {
  const { name = '', generateName = '', namespace = '', labels, annotations } = ns.metadata;
  const objectMeta = [
    ...stringField(1, name), ...stringField(2, generateName), ...stringField(3, namespace), ...stringField(4, ''), ...stringField(5, ''),
    ...stringField(6, ''), ...varintField(7, 0), ...bytesField(8, [...varintField(1, 0), ...varintField(2, 0)]),
    ...mapField(11, labels), ...mapField(12, annotations),
  ];
  const namespaceMessage = [...bytesField(1, objectMeta), ...bytesField(2, []), ...bytesField(3, stringField(1, ''))];
  const unknown = [
    ...bytesField(1, [...stringField(1, ns.apiVersion), ...stringField(2, ns.kind)]),
    ...bytesField(2, namespaceMessage), ...stringField(3, ''), ...stringField(4, ''),
  ];
  return Uint8Array.from([...PROTOBUF_MAGIC, ...unknown]);
}

const hex = (text: string) => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('decodeNamespaceProtobuf', () => {
  it('decodes the body kubectl 1.32 sends for `kubectl create namespace x`', () => {
    // Captured from the real binary: k8s\0 | Unknown{typeMeta{"v1","Namespace"}, raw: Namespace{ObjectMeta{name "x",
    // generateName..resourceVersion "", generation 0, creationTimestamp {}}, spec {}, status {phase ""}}, contentEncoding "", contentType ""}
    const body = hex('6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a0032003800420012001a020a001a002200');
    expect(decodeNamespaceProtobuf(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  });

  it('decodes labels, annotations and generateName, and skips fields it does not read', () => {
    const ns: DecodedNamespace = {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { generateName: 'team-', labels: { env: 'prod', 'kubernetes.io/metadata.name': 'x' }, annotations: { note: 'ünïcödé ✓' } },
    };
    const encoded = encodeNamespace(ns);
    // an unknown fixed64 and fixed32 field appended to the envelope must be skipped
    const extended = Uint8Array.from([...encoded, ...key(9, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...key(10, 5), 1, 2, 3, 4]);
    expect(decodeNamespaceProtobuf(extended)).toEqual(ns);
  });

  it('round-trips any name, labels and annotations', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(fc.property(
      fc.record({
        apiVersion: text, kind: text,
        metadata: fc.record(
          { name: text.filter((s) => s !== ''), labels: fc.dictionary(text, text, { minKeys: 1, maxKeys: 3 }), annotations: fc.dictionary(text, text, { minKeys: 1, maxKeys: 3 }) },
          { requiredKeys: [] },
        ),
      }),
      (ns) => expect(decodeNamespaceProtobuf(encodeNamespace(ns))).toEqual(ns),
    ));
  });

  it('keeps a __proto__ label an ordinary member', () => {
    const decoded = decodeNamespaceProtobuf(encodeNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: JSON.parse('{"__proto__":"p"}') } }));
    expect(Object.getPrototypeOf(decoded.metadata.labels)).toBe(Object.prototype);
    expect(JSON.stringify(decoded.metadata.labels)).toBe('{"__proto__":"p"}');
  });

  it('refuses a body without the k8s magic', () => {
    expect(statusThrownBy(() => decodeNamespaceProtobuf(new TextEncoder().encode('{"kind":"Namespace"}')))).toMatchObject({
      code: 400, reason: 'BadRequest', message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    });
  });

  it.each([
    ['a truncated varint', [...PROTOBUF_MAGIC, 0x0a, 0x80]],
    ['a length beyond the end', [...PROTOBUF_MAGIC, 0x0a, 0x05, 0x0a]],
    ['a group wire type', [...PROTOBUF_MAGIC, 0x0b]],
    ['field number 0', [...PROTOBUF_MAGIC, 0x02, 0x00]],
    ['a truncated fixed64', [...PROTOBUF_MAGIC, 0x49, 1, 2]],
    ['invalid UTF-8', [...PROTOBUF_MAGIC, ...bytesField(1, [...key(1, 2), 1, 0xff])]],
    ['a string field with a varint', [...PROTOBUF_MAGIC, ...bytesField(1, varintField(1, 5))]],
    ['a content encoding', [...PROTOBUF_MAGIC, ...stringField(3, 'gzip')]],
    ['an over-long varint', [...PROTOBUF_MAGIC, ...Array(11).fill(0xff)]],
  ])('refuses %s with a 400', (_, bytes) => {
    expect(statusThrownBy(() => decodeNamespaceProtobuf(Uint8Array.from(bytes as number[])))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

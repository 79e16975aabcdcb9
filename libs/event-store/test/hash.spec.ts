import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, computeEventHash } from '@everynode/event-store';

/** The definition: keys sorted by UTF-16 code units at every depth, JSON.stringify's rules otherwise. */
function reference(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => reference(v) ?? 'null').join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const m = reference((value as Record<string, unknown>)[k]);
      return m === undefined ? [] : [`${JSON.stringify(k)}:${m}`];
    });
  return `{${members.join(',')}}`;
}

describe('canonicalJson', () => {
  it('equals the by-hand definition for any JSON value, integer-like keys included', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '01', 'a', 'B'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true }), fc.string(), fc.array(tie('value')), fc.dictionary(key, tie('value'))),
    })).value;
    fc.assert(fc.property(json, (v) => expect(canonicalJson(v)).toBe(reference(v) ?? 'null')), { numRuns: 2000 });
  });

  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ 10: 'x', 9: 'y' })).toBe('{"10":"x","9":"y"}');
  });
});

describe('computeEventHash', () => {
  it('is sha256 of the previous hash and the canonical JSON of the hashed fields, whatever their key order', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const event = fc.record({
      eventId: fc.uuid(),
      stream: fc.string(),
      type: fc.string(),
      position: fc.nat(),
      streamVersion: fc.nat(),
      recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      data: fc.oneof(json, fc.constant(undefined)),
      metadata: fc.oneof(fc.dictionary(fc.string(), json), fc.constant(undefined)),
    });
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), event, (prev, e) => {
        const { position, eventId, stream, streamVersion, type, data, metadata, recordedAt } = e;
        const content = reference({ position, eventId, stream, streamVersion, type, data, metadata, recordedAt });
        const expected = createHash('sha256').update(`${prev}\n${content}`).digest('hex');
        expect(computeEventHash(prev, e as never)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

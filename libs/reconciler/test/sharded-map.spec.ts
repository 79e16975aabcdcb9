// ShardedMap against a plain Map: the same answers to every operation, the same entries (in another order).
import fc from 'fast-check';
import { ShardedMap } from '../src/sharded-map';

describe('ShardedMap', () => {
  it('answers every get, has, set, delete and size as a Map does, and holds the same entries', () => {
    const op = fc.record({ kind: fc.constantFrom('set', 'delete', 'get', 'has', 'clear'), key: fc.oneof(fc.string({ maxLength: 4 }), fc.constant('')), value: fc.integer() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const sharded = new ShardedMap<string, number>();
        const plain = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            sharded.set(o.key, o.value);
            plain.set(o.key, o.value);
          } else if (o.kind === 'delete') expect(sharded.delete(o.key)).toBe(plain.delete(o.key));
          else if (o.kind === 'get') expect(sharded.get(o.key)).toBe(plain.get(o.key));
          else if (o.kind === 'has') expect(sharded.has(o.key)).toBe(plain.has(o.key));
          else if (o.value % 10 === 0) {
            sharded.clear();
            plain.clear();
          }
          expect(sharded.size).toBe(plain.size);
        }
        const sorted = (entries: Iterable<[string, number]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(sorted(sharded)).toEqual(sorted(plain));
        expect(sorted(sharded.entries())).toEqual(sorted(plain.entries()));
        expect([...sharded.keys()].sort()).toEqual([...plain.keys()].sort());
        expect([...sharded.values()].sort()).toEqual([...plain.values()].sort());
        const seen: [string, number][] = [];
        sharded.forEach((v, k) => seen.push([k, v]));
        expect(sorted(seen)).toEqual(sorted(plain));
      }),
      { numRuns: 300 },
    );
  });
});

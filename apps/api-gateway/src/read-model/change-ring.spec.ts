import fc from 'fast-check';
import { ChangeRing } from './change-ring';

const at = (...positions: number[]) => positions.map((position) => ({ position }));

describe('ChangeRing (the watch cache)', () => {
  it('returns every change after a position, oldest first', () => {
    const ring = new ChangeRing(10);
    for (const c of at(1, 2, 2, 5, 7)) ring.push(c);
    expect(ring.since(0)).toEqual(at(1, 2, 2, 5, 7));
    expect(ring.since(2)).toEqual(at(5, 7));
    expect(ring.since(6)).toEqual(at(7));
    expect(ring.since(7)).toEqual([]);
    expect(ring.since(100)).toEqual([]);
  });

  it('answers null (410 Gone) for a position whose later changes were evicted', () => {
    const ring = new ChangeRing(3);
    for (const c of at(1, 2, 3, 4, 5)) ring.push(c);
    expect(ring.length).toBe(3);
    expect(ring.oldestResumable).toBe(2);
    expect(ring.since(1)).toBeNull();
    expect(ring.since(2)).toEqual(at(3, 4, 5));
    expect(ring.since(4)).toEqual(at(5));
  });

  it('refuses a change older than the last one', () => {
    const ring = new ChangeRing(3);
    ring.push({ position: 5 });
    expect(() => ring.push({ position: 4 })).toThrow('change at 4 arrived after 5');
  });

  it('agrees with a plain filter for any pushes and capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), fc.integer({ min: 0, max: 80 }), (capacity, steps, from) => {
        const ring = new ChangeRing(capacity);
        const all: { position: number }[] = [];
        let position = 0;
        for (const step of steps) {
          position += step;
          ring.push({ position });
          all.push({ position });
        }
        const kept = all.slice(-capacity);
        const evicted = all.slice(0, all.length - kept.length);
        const result = ring.since(from);
        if (evicted.length && from < evicted[evicted.length - 1].position) expect(result).toBeNull();
        else expect(result).toEqual(kept.filter((c) => c.position > from));
      }),
    );
  });
});

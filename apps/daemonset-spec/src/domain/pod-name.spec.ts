import fc from 'fast-check';
import { podName } from './pod-name';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('podName', () => {
  it('is `<ds>-` and 5 characters of the safe alphabet', () => {
    expect(podName('liberator', () => 0)).toBe('liberator-bbbbb');
    expect(podName('liberator', () => 0.999999)).toBe('liberator-99999');
  });

  it('cuts a long base to 58 characters so names stay within 63', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1 }),
        (ds, draws) => {
          let i = 0;
          const name = podName(ds, () => draws[i++ % draws.length]);
          const base = `${ds}-`.slice(0, 58);
          expect(name).toMatch(new RegExp(`^${escape(base)}[${ALPHABET}]{5}$`));
          expect(name.length).toBeLessThanOrEqual(63);
          if (ds.length < 58) expect(name).toMatch(new RegExp(`^${escape(ds)}-[${ALPHABET}]{5}$`));
        },
      ),
    );
  });
});

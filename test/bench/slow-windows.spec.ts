// The bench's grouping of slow joins into windows, against a brute-force reading of the same samples.
import fc from 'fast-check';
import { slowWindows } from '../../bench/lib/slow-windows';

describe('slowWindows', () => {
  it('groups slow samples that start within the gap of each other, worst first', () => {
    const samples = [
      { at: 1000, ms: 150 },
      { at: 1100, ms: 90 }, // fast: not in any window, and does not bridge one
      { at: 1200, ms: 300 },
      { at: 2000, ms: 120 },
      { at: 5000, ms: 101 },
    ];
    expect(slowWindows(samples, 100, 300)).toEqual([
      { from: 1000, to: 1200, count: 2, maxMs: 300 },
      { from: 2000, to: 2000, count: 1, maxMs: 120 },
      { from: 5000, to: 5000, count: 1, maxMs: 101 },
    ]);
  });

  it('covers every slow sample exactly once, and windows never come within the gap of each other', () => {
    const sample = fc.record({ at: fc.integer({ min: 0, max: 10_000 }), ms: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 60 }), fc.integer({ min: 0, max: 500 }), (samples, gap) => {
        const windows = slowWindows(samples, 100, gap);
        const slow = samples.filter((s) => s.ms > 100);
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(slow.length);
        for (const s of slow) expect(windows.filter((w) => s.at >= w.from && s.at <= w.to)).toHaveLength(1);
        const byTime = [...windows].sort((a, b) => a.from - b.from);
        for (let i = 1; i < byTime.length; i++) expect(byTime[i].from - byTime[i - 1].to).toBeGreaterThan(gap);
        for (let i = 1; i < windows.length; i++) expect(windows[i].maxMs).toBeLessThanOrEqual(windows[i - 1].maxMs);
      }),
    );
  });
});

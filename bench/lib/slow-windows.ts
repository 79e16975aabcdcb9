// Where the slow samples of a run cluster in time: a p99 made of a few stalls (a GC, a lost pull request)
// looks very different from one spread evenly, and the windows' times are what to lay against the services'
// logs (BENCH_LOG_LEVEL=debug, BENCH_TRACE_GC).

export interface TimedSample {
  /** When it started (epoch ms). */
  at: number;
  ms: number;
}

export interface SlowWindow {
  from: number;
  to: number;
  /** Slow samples in the window. */
  count: number;
  maxMs: number;
}

/** Samples over `thresholdMs`, grouped while each starts within `gapMs` of the last; worst (longest wait) first. */
export function slowWindows(samples: TimedSample[], thresholdMs: number, gapMs: number): SlowWindow[] {
  const slow = samples.filter((s) => s.ms > thresholdMs).sort((a, b) => a.at - b.at);
  const windows: SlowWindow[] = [];
  for (const s of slow) {
    const last = windows[windows.length - 1];
    if (last && s.at - last.to <= gapMs) {
      last.to = s.at;
      last.count++;
      last.maxMs = Math.max(last.maxMs, s.ms);
    } else windows.push({ from: s.at, to: s.at, count: 1, maxMs: s.ms });
  }
  return windows.sort((a, b) => b.maxMs - a.maxMs);
}

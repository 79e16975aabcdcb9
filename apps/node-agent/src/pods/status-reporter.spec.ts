import { failure } from '@everynode/contracts';
import type { PodStatusReport } from '@everynode/contracts';
import { podKey, StatusReporter } from './status-reporter';

const running = (pod: string, podIP = '10.64.1.2'): PodStatusReport => ({
  namespace: 'default',
  pod,
  node: 'n1',
  phase: 'Running',
  ready: true,
  podIP,
  restarts: 0,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StatusReporter', () => {
  it('collects changes for a moment and sends them as one batch, the latest per pod', async () => {
    const batches: PodStatusReport[][] = [];
    const reporter = new StatusReporter(async (b) => void batches.push(b), () => true, undefined, { flushMs: 20 });
    reporter.report({ ...running('a'), phase: 'Pending', ready: false });
    reporter.report(running('b'));
    reporter.report(running('a'));
    expect(batches).toHaveLength(0);
    await sleep(60);
    expect(batches).toEqual([[running('a'), running('b')]]);
    expect(reporter.stats).toMatchObject({ sent: 2, batches: 1 });
  });

  it('sends at most maxBatch reports per command', async () => {
    const sizes: number[] = [];
    const reporter = new StatusReporter(async (b) => void sizes.push(b.length), () => true, undefined, { flushMs: 10, maxBatch: 100 });
    for (let i = 0; i < 250; i++) reporter.report(running(`p${i}`));
    await sleep(60);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    expect(Math.max(...sizes)).toBe(100);
  });

  it('retries a failed batch with backoff until accepted, and a newer report replaces the failed one', async () => {
    const attempts: PodStatusReport[][] = [];
    let failuresLeft = 2;
    const errors: boolean[] = [];
    const reporter = new StatusReporter(
      async (b) => {
        attempts.push(b);
        if (failuresLeft-- > 0) throw new Error('no responders');
      },
      () => true,
      (_err, _reports, willRetry) => errors.push(willRetry),
      { flushMs: 5, minBackoffMs: 20 },
    );
    reporter.report(running('a', '10.64.1.2'));
    await sleep(15); // first attempt failed
    reporter.report(running('a', '10.64.1.3'));
    await sleep(150);
    expect(errors).toEqual([true, true]);
    expect(attempts.at(-1)).toEqual([running('a', '10.64.1.3')]);
    expect(attempts.length).toBe(3);
    expect(reporter.backlog).toBe(0);
    expect(reporter.stats).toMatchObject({ sent: 1, failedBatches: 2 });
  });

  it('does not retry reports of pods that are gone, nor reports the scheduler refused as malformed', async () => {
    const live = new Set(['default/a']);
    let calls = 0;
    const reporter = new StatusReporter(
      async () => {
        calls++;
        throw calls === 1 ? new Error('timeout') : failure(400, 'BadRequest', 'bad report');
      },
      (key) => live.has(key),
      undefined,
      { flushMs: 5, minBackoffMs: 10 },
    );
    reporter.report(running('a'));
    reporter.report(running('b'));
    await sleep(10);
    expect(reporter.backlog).toBe(1); // only the live pod waits for a retry
    expect(reporter.isPending(podKey({ namespace: 'default', pod: 'a' }))).toBe(true);
    await sleep(60);
    expect(calls).toBe(2);
    expect(reporter.backlog).toBe(0);
    expect(reporter.stats.rejected).toBe(1);
  });

  it('knows a report is pending while it waits and while it is on the wire', async () => {
    let accept = () => {};
    const reporter = new StatusReporter(() => new Promise<void>((r) => (accept = r)), () => true, undefined, { flushMs: 5 });
    reporter.report(running('a'));
    expect(reporter.isPending('default/a')).toBe(true);
    await sleep(20);
    expect(reporter.backlog).toBe(0);
    expect(reporter.isPending('default/a')).toBe(true);
    accept();
    await sleep(0);
    expect(reporter.isPending('default/a')).toBe(false);
  });

  it('forgets a waiting report of a removed pod, and sends what is left on close', async () => {
    const batches: PodStatusReport[][] = [];
    const reporter = new StatusReporter(async (b) => void batches.push(b), () => true, undefined, { flushMs: 10_000 });
    reporter.report(running('a'));
    reporter.report(running('b'));
    reporter.forget('default/a');
    await reporter.close();
    expect(batches).toEqual([[running('b')]]);
    reporter.report(running('c'));
    expect(reporter.backlog).toBe(0);
  });
});

import { headAfter } from '@everynode/event-store';
import type { EventStore, LogHead, PreparedAppend } from '@everynode/event-store';
import { AppendSequencer } from './append-sequencer';
import type { ClusterCache } from './cluster.cache';

const head = (position: number): LogHead => ({ position, hash: `h${position}`, recordedAt: '2026-12-05T00:00:00.000Z' });

/** A plan of `n` events on `base`: only its head and last event matter to the sequencer. */
const preparedOn = (base: LogHead | null, n: number) =>
  ({ head: base, requests: [], documents: [], plan: { results: [], toInsert: n ? [head((base?.position ?? 0) + n)] : [] } }) as unknown as PreparedAppend;

/** The sequencer reads only the folded head of the cache; commits here "fold" by moving it. */
function setup(start: LogHead | null = head(10)) {
  const cache = { head: start } as { head: LogHead | null };
  const store = { plansHolding: true };
  const sequencer = new AppendSequencer(cache as unknown as ClusterCache, store as EventStore);
  const log: string[] = [];
  let running = 0;
  /** An append of `n` events: planned on the head it is given, committed after a tick, folded (at `endsAt` if given). */
  const append = (name: string, n: number, fail = false, endsAt?: LogHead) =>
    sequencer.run(
      (base) => {
        log.push(`plan ${name} on ${base?.position ?? 0}`);
        return { prepared: preparedOn(base, n) };
      },
      async (p) => {
        running++;
        expect(running).toBe(1); // one commit at a time
        log.push(`commit ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (fail) throw new Error(`${name} failed`);
        cache.head = endsAt ?? headAfter(p.prepared!);
        return name;
      },
    );
  return { cache, append, log, store };
}

describe('AppendSequencer', () => {
  it('plans each append on the head the ones queued before it leave, and commits them in that order', async () => {
    const { append, log, cache } = setup();
    const done = await Promise.all([append('loop-1', 2000), append('status', 3), append('loop-2', 2000)]);
    expect(done).toEqual(['loop-1', 'status', 'loop-2']);
    expect(log).toEqual(['plan loop-1 on 10', 'plan status on 2010', 'plan loop-2 on 2013', 'commit loop-1', 'commit status', 'commit loop-2']);
    expect(cache.head?.position).toBe(4013);
  });

  it('plans on the folded head when nothing is queued, and an empty append leaves the expected head as it was', async () => {
    const { append, log, cache } = setup();
    await append('a', 5);
    cache.head = head(100); // another process appended and the cache folded it
    await Promise.all([append('empty', 0), append('b', 1)]);
    expect(log.filter((l) => l.startsWith('plan'))).toEqual(['plan a on 10', 'plan empty on 100', 'plan b on 100']);
  });

  it('gives a failed commit its error and goes on with the ones behind it, planned again on the real head', async () => {
    const { append, log } = setup(null);
    const results = await Promise.allSettled([append('a', 1, true), append('b', 1), append('c', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('a failed');
    // b was planned on the head a would have left; a left none, so b is planned again, and so is c.
    expect(log).toEqual(['plan a on 0', 'plan b on 1', 'plan c on 2', 'commit a', 'plan b on 0', 'commit b', 'plan c on 1', 'commit c']);
  });

  it('plans a queued append again when another process appended before it (no cascade of stale plans)', async () => {
    const { append, log } = setup();
    // a met another process's events under the lock and was planned again there: it ended at 50, not 15.
    await Promise.all([append('a', 5, false, head(50)), append('b', 1), append('c', 1)]);
    expect(log).toEqual(['plan a on 10', 'plan b on 15', 'plan c on 16', 'commit a', 'plan b on 50', 'commit b', 'plan c on 51', 'commit c']);
  });

  it('leaves re-planning to the store under the lock while other writers are about', async () => {
    const { append, log, store } = setup();
    store.plansHolding = false;
    await Promise.all([append('a', 5, false, head(50)), append('b', 1)]);
    expect(log).toEqual(['plan a on 10', 'plan b on 15', 'commit a', 'commit b']);
  });

  it('plans what is queued after a re-plan on the heads the re-planned appends leave: each is planned again once at most', async () => {
    const { append, log, cache } = setup();
    const a = append('a', 5, false, head(50));
    const b = append('b', 1);
    const c = append('c', 1);
    await b; // c was planned again on 51 when b was, and is committing; d comes now
    const d = append('d', 1);
    await Promise.all([a, c, d]);
    expect(log).toEqual(['plan a on 10', 'plan b on 15', 'plan c on 16', 'commit a', 'plan b on 50', 'commit b', 'plan c on 51', 'commit c', 'plan d on 52', 'commit d']);
    expect(cache.head?.position).toBe(53);
  });
});

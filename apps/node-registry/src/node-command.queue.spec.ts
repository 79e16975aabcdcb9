import { MetricsRegistry } from '@everynode/platform';
import { MAX_BATCH, NodeCommandQueue } from './node-command.queue';
import type { NodeWrite, NodeWriter, Settled } from './node-writer';

/** The queue's batching alone; what a batch does in Postgres is group-commit.e2e.spec.ts's. */
function queue() {
  const batches: NodeWrite[][] = [];
  const writer = {
    batch: async (writes: NodeWrite[]): Promise<Settled<unknown>[]> => {
      batches.push(writes);
      await new Promise((r) => setTimeout(r, 5));
      return writes.map((w) => (w.name.startsWith('bad') ? { ok: false, error: new Error(w.name) } : { ok: true, value: w.name, after: { version: 1, node: null } }));
    },
  } as unknown as NodeWriter;
  return { q: new NodeCommandQueue(writer, new MetricsRegistry()), batches };
}
const write = (name: string): NodeWrite => ({ name, decide: () => [], reply: () => name });

describe('NodeCommandQueue', () => {
  it('commands submitted while a batch is written go together in the next one, each with its own answer', async () => {
    const { q, batches } = queue();
    const first = q.submit(write('a'));
    await new Promise((r) => setImmediate(r));
    const rest = ['b', 'bad-c', 'd'].map((n) => q.submit(write(n)).catch((e: Error) => `refused ${e.message}`));
    expect(await Promise.all([first, ...rest])).toEqual(['a', 'b', 'refused bad-c', 'd']);
    expect(batches.map((b) => b.map((w) => w.name))).toEqual([['a'], ['b', 'bad-c', 'd']]);
  });

  it('never splits a group: one that would straddle a full batch waits for the next, a larger one goes alone', async () => {
    const { q, batches } = queue();
    const singles = (n: number, p: string) => Array.from({ length: n }, (_, i) => q.submit(write(`${p}${i}`)));
    const group = (n: number, p: string) => q.submitAll(Array.from({ length: n }, (_, i) => write(`${p}${i}`)));
    await Promise.all([...singles(MAX_BATCH / 2, 's'), group(MAX_BATCH * 0.75, 'g'), ...singles(10, 't'), group(MAX_BATCH * 1.5, 'h')]);
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH / 2, MAX_BATCH * 0.75 + 10, MAX_BATCH * 1.5]);
  });
});

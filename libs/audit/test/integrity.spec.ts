import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@everynode/contracts';
import { computeEventHash, GENESIS_HASH } from '@everynode/event-store';
import { ChainVerifier } from '@everynode/audit';

/** A well-formed chain of n events over a few streams, hashed as the event store does. */
function chain(n: number): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const stream = `node-n${i % 3}`;
    const streamVersion = (versions.get(stream) ?? 0) + 1;
    versions.set(stream, streamVersion);
    const content = {
      position: i,
      eventId: randomUUID(),
      stream,
      streamVersion,
      type: 'NodeUpdated',
      data: { name: `n${i % 3}`, labels: { i: String(i) } },
      metadata: { causationId: null, correlationId: 'c', actor: 'test' },
      recordedAt: new Date(1_800_000_000_000 + i).toISOString(),
    };
    const hash = computeEventHash(prev, content);
    out.push({ ...content, hash, prevHash: prev });
    prev = hash;
  }
  return out;
}
const verify = (events: RecordedEvent[]) => {
  const v = new ChainVerifier();
  for (const e of events) if (!v.add(e)) break;
  return v;
};

describe('ChainVerifier', () => {
  it('accepts an untouched log', () => {
    const v = verify(chain(50));
    expect(v.problem).toBeNull();
    expect(v.checked).toBe(50);
  });

  it('names the first position of any edit, removal, insertion or reordering', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.constantFrom('edit', 'remove', 'insert', 'swap', 'rehash'), (n, k, how) => {
        const events = chain(n);
        const i = k % n;
        const copy = events.map((e) => ({ ...e, data: { ...(e.data as object) } }));
        let expected = i + 1;
        if (how === 'edit') (copy[i].data as Record<string, unknown>).name = 'forged';
        else if (how === 'remove') copy.splice(i, 1);
        else if (how === 'insert') copy.splice(i, 0, { ...copy[i], eventId: randomUUID() });
        else if (how === 'swap') {
          if (i + 1 >= n) return;
          [copy[i], copy[i + 1]] = [copy[i + 1], copy[i]];
        } else {
          // A forger who recomputes this event's hash still breaks the next link.
          const { hash: _h, prevHash, ...content } = copy[i];
          (content.data as Record<string, unknown>).name = 'forged';
          copy[i] = { ...content, prevHash, hash: computeEventHash(prevHash, content) };
          if (i + 1 >= n) return;
          expected = i + 2;
        }
        if (how === 'remove' && i === n - 1) return; // a removed tail is caught by comparing with the head
        const v = verify(copy);
        expect(v.problem?.position).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

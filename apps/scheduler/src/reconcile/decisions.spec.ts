// Placements go into PodsScheduled batches (removals into PodsRemoved, by the same function): one cause and reason per batch (its metadata names them), at most
// MAX_BATCH_MEMBERS pods each, every placement exactly once and in decision order, each batch its own stream.
import fc from 'fast-check';
import { MAX_BATCH_MEMBERS, podBatchStream } from '@everynode/contracts';
import type { PodsScheduled } from '@everynode/contracts';
import { batches, Placement } from './decisions';

const placementOf = (i: number, cause: string, reason: string): Placement => ({
  data: { daemonSet: 'ds', daemonSetUid: 'u', generation: 1, namespace: 'ns', node: `n${i}`, pod: `p${i}`, templateHash: 'h', uid: `u${i}` },
  metadata: { actor: 'service:scheduler', causationId: cause, correlationId: `corr-${cause}`, reason },
});

describe('batches (of placements; removals go the same way)', () => {
  it('batches by cause and reason, at most MAX_BATCH_MEMBERS each, nothing lost or doubled', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('NodeJoined', 'Updated')), { maxLength: 1300 }), (drawn) => {
        const placements = drawn.map(([cause, reason], i) => placementOf(i, cause, reason));
        const decisions = batches('PodsScheduled', placements);
        const members: string[] = [];
        for (const d of decisions) {
          const [event] = d.events;
          expect(d.events).toHaveLength(1);
          expect(d).toMatchObject({ stream: podBatchStream(event.eventId), expectedVersion: 'no_stream' });
          expect(event.type).toBe('PodsScheduled');
          const { pods } = event.data as PodsScheduled;
          expect(pods.length).toBeGreaterThan(0);
          expect(pods.length).toBeLessThanOrEqual(MAX_BATCH_MEMBERS);
          for (const p of pods) {
            const i = Number(p.pod.slice(1));
            expect([placements[i].metadata.causationId, placements[i].metadata.reason]).toEqual([event.metadata.causationId, event.metadata.reason]);
            members.push(p.pod);
          }
        }
        expect([...members].sort()).toEqual(placements.map((p) => p.data.pod).sort());
        // Within a cause and reason, decision order is kept.
        const groupOf = (pod: string) => `${placements[Number(pod.slice(1))].metadata.causationId}|${placements[Number(pod.slice(1))].metadata.reason}`;
        for (const group of new Set(members.map(groupOf))) {
          const indexes = members.filter((pod) => groupOf(pod) === group).map((pod) => Number(pod.slice(1)));
          expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
        }
        // As few batches as the limit allows: one per group, plus one per MAX_BATCH_MEMBERS more.
        const groups = new Map<string, number>();
        for (const p of placements) groups.set(`${p.metadata.causationId}|${p.metadata.reason}`, (groups.get(`${p.metadata.causationId}|${p.metadata.reason}`) ?? 0) + 1);
        expect(decisions).toHaveLength([...groups.values()].reduce((n, size) => n + Math.ceil(size / MAX_BATCH_MEMBERS), 0));
      }),
      { numRuns: 100 },
    );
  });
});

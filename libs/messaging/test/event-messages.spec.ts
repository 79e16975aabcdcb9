import fc from 'fast-check';
import type { RecordedEvent } from '@everynode/contracts';
import { decodeEventMessage, eventMessages } from '@everynode/messaging';
import { makeEvents, serializeEvent } from './support/events';

const TYPES = ['NodeJoined', 'PodScheduled', 'PodStatusChanged'];
const subjectOf = (type: string) => `t.events.${type}`;

/** A log: each event one of three types, some with long payloads (so the byte limit cuts runs too), some not ASCII (limits are bytes). */
const logs = fc
  .array(fc.tuple(fc.constantFrom(...TYPES), fc.nat(300), fc.constantFrom('x', 'é', '😀')), { maxLength: 200 })
  .map((shape) => {
    const events = makeEvents(shape.length, 1, (i) => ({ pad: shape[i - 1][2].repeat(shape[i - 1][1]) }));
    events.forEach((e, i) => (e.type = shape[i][0]));
    return events;
  });
const limits = fc.record({ maxEvents: fc.integer({ min: 1, max: 20 }), maxBytes: fc.integer({ min: 200, max: 4000 }) });

describe('eventMessages (how the relay packs the log into JetStream messages)', () => {
  it('carries every event once, in order, runs of one type per message, within the limits, and cuts a run only when full', () => {
    fc.assert(
      fc.property(logs, limits, (events, lim) => {
        const messages = eventMessages(events.map(serializeEvent), subjectOf, lim);
        const decoded = messages.map((m) => decodeEventMessage(m.data));
        expect(decoded.flat()).toEqual(events);
        decoded.forEach((carried, i) => {
          const m = messages[i];
          expect(m.count).toBe(carried.length);
          expect(new Set(carried.map((e) => e.type))).toEqual(new Set([carried[0].type]));
          expect(m.subject).toBe(subjectOf(carried[0].type));
          expect(m.msgId).toBe(carried.length === 1 ? carried[0].eventId : `${carried[0].eventId}..${carried[carried.length - 1].eventId}`);
          expect(carried.length).toBeLessThanOrEqual(lim.maxEvents);
          if (carried.length > 1) expect(m.data.length).toBeLessThanOrEqual(lim.maxBytes);
          // Maximal: the next message of the same type starts only where this one could take no more.
          const next = decoded[i + 1];
          if (next && next[0].type === carried[0].type && carried.length < lim.maxEvents) {
            const joined = Buffer.byteLength(JSON.stringify([...carried, next[0]]));
            expect(joined).toBeGreaterThan(lim.maxBytes);
          }
        });
      }),
    );
  });

  it('packs the same events into the same messages (a re-published batch is dropped as a duplicate)', () => {
    fc.assert(
      fc.property(logs, limits, (events, lim) => {
        const copy = JSON.parse(JSON.stringify(events)) as RecordedEvent[];
        const a = eventMessages(events.map(serializeEvent), subjectOf, lim);
        const b = eventMessages(copy.map(serializeEvent), subjectOf, lim);
        expect(b.map((m) => [m.msgId, Buffer.from(m.data).toString('hex')])).toEqual(a.map((m) => [m.msgId, Buffer.from(m.data).toString('hex')]));
      }),
    );
  });

  it('reads a lone event published as an object, and rejects what is not an event', () => {
    const [e] = makeEvents(1);
    expect(decodeEventMessage(new TextEncoder().encode(JSON.stringify(e)))).toEqual([e]);
    for (const bad of ['null', '[]', '[1]', '{"no":"type"}', '[{"type":"A"},{}]']) {
      expect(() => decodeEventMessage(new TextEncoder().encode(bad))).toThrow(/RecordedEvent/);
    }
    expect(() => decodeEventMessage(new TextEncoder().encode('{'))).toThrow();
  });
});

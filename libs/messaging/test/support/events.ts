import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent, SerializedEvent } from '@everynode/contracts';

/** `count` NodeJoined-shaped events; positions from `from`. Extra data per index via `data`. */
export function makeEvents(count: number, from = 1, data: (i: number) => Record<string, unknown> = () => ({})): RecordedEvent[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      eventId: randomUUID(),
      type: 'NodeJoined',
      data: { name: `node-${i}`, ...data(i) },
      metadata: { causationId: null, correlationId: randomUUID(), actor: 'test' },
      stream: `node-node-${i}`,
      streamVersion: 1,
      position: i,
      recordedAt: new Date().toISOString(),
      hash: 'h',
      prevHash: 'p',
    };
  });
}

/** Alternating NodeJoined and NodeUpdated, or all of `type` (one run, which the relay packs into few messages). */
export function newEvents(count: number, label: string, type?: string): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    type: type ?? (i % 2 ? 'NodeUpdated' : 'NodeJoined'),
    data: { name: `${label}-${i}` },
    metadata: { causationId: null, correlationId: randomUUID(), actor: 'test' },
  }));
}

/** `e` as the relay reads it from the log (EventStore.readAllSerialized). */
export const serializeEvent = (e: RecordedEvent): SerializedEvent => ({
  position: e.position,
  eventId: e.eventId,
  type: e.type,
  json: new TextEncoder().encode(JSON.stringify(e)),
});

import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@everynode/contracts';
import type { EventStore } from '../src';

export function newEvent(type = 'TestHappened', data: unknown = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: { causationId: null, correlationId: randomUUID(), actor: 'test' } };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole log in position order, read in pages. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position ?? 0, limit: 1000 });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

/** Waits until `check` passes or fails with its last error after `timeoutMs`. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

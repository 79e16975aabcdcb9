import { randomUUID } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A new event id: a UUIDv7 (RFC 9562), time-ordered, so the log's unique index on event_id (and each
 * consumer's processed-events key) grows at its right edge like the position index does. With random v4
 * ids every insert landed on a random page of that index: measured on this machine's PostgreSQL, 300,000
 * log rows took ~8 s with v4 ids and ~5 s with time-ordered ones (~10 µs a row, most of it full-page WAL
 * images of pages touched at random).
 *
 * The 12 bits after the version count within a millisecond (RFC 9562 §6.2, method 1), so the ids one
 * process makes are strictly increasing; past 4,096 in a millisecond the clock part steps ahead of the
 * clock. The remaining 62 bits are random (from randomUUID, which also sets the variant).
 */
export function newEventId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}${random.slice(18)}`;
}

import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@everynode/contracts';

/** The prevHash of the first event in the log. */
export const GENESIS_HASH = '0'.repeat(64);

export type HashedContent = Omit<RecordedEvent, 'hash' | 'prevHash'>;

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth, otherwise exactly
 * JSON.stringify's rules (toJSON, undefined members dropped, non-finite numbers as null). Sorting
 * makes the text independent of key order, which jsonb does not preserve.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(value, sortKeys) ?? 'null';
  } catch (error) {
    if (error !== INTEGER_KEYS) throw error;
    return serialize(value) ?? 'null';
  }
}

const INTEGER_KEY = /^(0|[1-9]\d*)$/;
const INTEGER_KEYS = new Error('integer-like object keys');

/**
 * The fast path: native JSON.stringify (toJSON, undefined, non-finite numbers) with keys reordered;
 * objects whose keys are already sorted pass through untouched. JavaScript enumerates integer-like keys
 * first whatever their insertion order, so an object holding one takes the slow path below.
 */
function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    if (INTEGER_KEY.test(keys[i])) throw INTEGER_KEYS;
    if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
  }
  if (sorted) return value;
  const copy: Record<string, unknown> = {};
  for (const k of keys.sort()) copy[k] = (value as Record<string, unknown>)[k];
  return copy;
}

/** The slow path, by hand. */
function serialize(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = serialize((value as Record<string, unknown>)[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

/** sha256 (hex) of the previous hash and this event's content: the link of the log's hash chain. */
export function computeEventHash(prevHash: string, event: HashedContent): string {
  const content = canonicalJson({
    position: event.position,
    eventId: event.eventId,
    stream: event.stream,
    streamVersion: event.streamVersion,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  });
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

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
    return JSON.stringify(sortedCopy(value)) ?? 'null';
  } catch (error) {
    if (error !== INTEGER_KEYS) throw error;
    return serialize(value) ?? 'null';
  }
}

const INTEGER_KEY = /^(0|[1-9]\d*)$/;
const INTEGER_KEYS = new Error('integer-like object keys');

/**
 * The fast path (about 2× the by-hand serializer): a copy with keys inserted in sorted order, then native
 * JSON.stringify. JavaScript enumerates integer-like keys first whatever their insertion order, so a value
 * holding one takes the slow path below; objects with toJSON (dates) are left to JSON.stringify.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) return value.map(sortedCopy);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (INTEGER_KEY.test(key)) throw INTEGER_KEYS;
    copy[key] = sortedCopy((value as Record<string, unknown>)[key]);
  }
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

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
  return serialize(value) ?? 'null';
}

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

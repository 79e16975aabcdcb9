import { headers } from '@nats-io/transport-node';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { RecordedEvent } from '@everynode/contracts';
import { encodeJson } from '../nats-connection';

/** Headers of a dead-lettered message (its body is the original message body). */
export const DEAD_LETTER_HEADERS = {
  originalSubject: 'Everynode-Original-Subject',
  streamSequence: 'Everynode-Stream-Sequence',
  error: 'Everynode-Error',
  durable: 'Everynode-Durable',
} as const;

/**
 * Copies a message that exhausted its deliveries to the dead-letter stream, or just `event` of it when the
 * message carries several; resolves once stored.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  subject: string,
  durable: string,
  msg: JsMsg,
  error: string,
  event?: RecordedEvent,
): Promise<void> {
  const h = headers();
  h.set(DEAD_LETTER_HEADERS.originalSubject, msg.subject);
  h.set(DEAD_LETTER_HEADERS.streamSequence, String(msg.seq));
  // Header values are single lines.
  h.set(DEAD_LETTER_HEADERS.error, error.replace(/[\r\n]+/g, ' ').slice(0, 1024));
  h.set(DEAD_LETTER_HEADERS.durable, durable);
  // The msg id keeps a retried dead-lettering from storing the message twice.
  const data = event ? encodeJson(event) : msg.data;
  await js.publish(subject, data, { headers: h, msgID: event ? `${durable}:${msg.seq}:${event.eventId}` : `${durable}:${msg.seq}` });
}

/** A readable message for whatever a Nest handler threw (an Error, an RPC error object, a string). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  try {
    return typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    return String(err);
  }
}

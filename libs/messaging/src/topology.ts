import { subjects } from '@everynode/contracts';
import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';

/**
 * The relay re-publishes from its checkpoint after a crash or a NATS outage, so the same event
 * can be published twice within minutes; JetStream drops the copy when its `Nats-Msg-Id`
 * (the event id) was seen within this window.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

const STREAM_NAME_IN_USE = 10058;

/** Creates the events and dead-letter streams if missing; concurrent creators are fine. */
export async function ensureStreams(jsm: JetStreamManager, prefix: string): Promise<void> {
  const s = subjects(prefix);
  await ensureStream(jsm, {
    name: s.eventsStream,
    subjects: [s.eventsWildcard],
    storage: StorageType.File,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
  await ensureStream(jsm, { name: s.deadLetterStream, subjects: [s.deadLetterWildcard], storage: StorageType.File });
}

async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }) {
  try {
    await jsm.streams.add(cfg); // idempotent when the stream exists with the same config
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
  }
}

export interface DurableSpec {
  stream: string;
  durable: string;
  /** Subjects of the handled event types; `[eventsWildcard]` for a catch-all handler. */
  filterSubjects: string[];
  eventsWildcard: string;
  deliverPolicy: 'all' | 'new';
  ackWaitMs: number;
  maxAckPending: number;
}

/**
 * Creates the durable pull consumer, or updates its filter when the service's handlers changed.
 * Servers before 2.10 know only one `filter_subject`: with several types we then filter nothing
 * and JetStreamServer acks and skips the types it has no handler for.
 */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec, serverVersion: string): Promise<void> {
  const filter: Partial<ConsumerConfig> =
    spec.filterSubjects.length === 1
      ? { filter_subject: spec.filterSubjects[0] }
      : supportsFilterSubjects(serverVersion)
        ? { filter_subjects: spec.filterSubjects }
        : { filter_subject: spec.eventsWildcard };
  const mutable: Partial<ConsumerConfig> = {
    ...filter,
    // Unlimited on the server: at its own limit JetStream stops redelivering a message silently
    // (an advisory only) — also messages merely pulled by a consumer that crashed several times.
    // The transport bounds handler failures itself and dead-letters (OrderedConsumer).
    max_deliver: -1,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
  };
  try {
    await jsm.consumers.add(spec.stream, {
      ...mutable,
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: spec.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    });
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    // It exists with another config (or a replica created it first): converge what may change.
    await jsm.consumers.update(spec.stream, spec.durable, mutable);
  }
}

export function supportsFilterSubjects(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}

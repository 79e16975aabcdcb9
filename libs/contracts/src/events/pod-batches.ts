// Batched pod events and their members. A batch (PodsScheduled, PodStatusesChanged, PodsRemoved) holds whole per-pod
// payloads; every fold takes it apart into the per-pod events it stands for, so the folds, the watch and
// the audit keep one meaning per pod whatever the log's rows hold.
import type { PodRemoved, PodScheduled, PodStatusChanged } from './catalog';
import type { RecordedEvent } from './envelope';
import { podStream } from './streams';

/** Batch type → the member's own type and the field that lists the members. */
export const POD_BATCHES: Readonly<Record<string, { member: 'PodScheduled' | 'PodStatusChanged' | 'PodRemoved'; field: 'pods' | 'statuses' }>> = {
  PodsScheduled: { member: 'PodScheduled', field: 'pods' },
  PodStatusesChanged: { member: 'PodStatusChanged', field: 'statuses' },
  PodsRemoved: { member: 'PodRemoved', field: 'pods' },
};

/**
 * Members per batch event: ~250 bytes each, so a batch stays far below NATS' message limit (1 MiB) and the
 * relay's 256 KiB packs, and one event's fold is a short stretch of a consumer's event loop.
 */
export const MAX_BATCH_MEMBERS = 500;

export type PodBatchType = 'PodsScheduled' | 'PodStatusesChanged' | 'PodsRemoved';

export const isPodBatch = (event: { type: string }) => POD_BATCHES[event.type] !== undefined;

/** The payloads of batch events of `type` holding `members` (per-pod payloads), at most MAX_BATCH_MEMBERS each. */
export function podBatchPayloads(type: PodBatchType, members: unknown[]): Record<string, unknown[]>[] {
  const payloads: Record<string, unknown[]>[] = [];
  for (let i = 0; i < members.length; i += MAX_BATCH_MEMBERS) payloads.push({ [POD_BATCHES[type].field]: members.slice(i, i + MAX_BATCH_MEMBERS) });
  return payloads;
}

/**
 * The per-pod events an event stands for: itself, or a batch's members, each with the batch's envelope
 * (id, position, time, metadata) and the pod's own stream name, as if it had been appended alone.
 */
export function podEventsOf(event: RecordedEvent): RecordedEvent[] {
  const batch = POD_BATCHES[event.type];
  if (!batch) return [event];
  const members = (event.data as Record<string, unknown> | null)?.[batch.field];
  if (!Array.isArray(members)) return []; // not the services' (written by hand): folds as nothing
  return members.map((data: PodScheduled | PodStatusChanged | PodRemoved) => ({ ...event, type: batch.member, data, stream: podStream(data.namespace, data.pod) }));
}

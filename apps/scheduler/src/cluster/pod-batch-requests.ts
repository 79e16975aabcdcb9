// The appends of batched pod events, for the reconcile loop's placements and removals and the status writer's
// reports alike: each batch a stream of its own, so batches never conflict on a stream version (what keeps
// writers apart is podViewCheckSql).
import { podBatchPayloads, podBatchStream } from '@everynode/contracts';
import type { EventMetadata, PodBatchType } from '@everynode/contracts';
import { newEventId } from '@everynode/event-store';
import type { AppendRequest } from '@everynode/event-store';

/** Batch events of `type` holding `members` (per-pod payloads), at most MAX_BATCH_MEMBERS each, all with `metadata`. */
export function podBatchRequests(type: PodBatchType, members: unknown[], metadata: EventMetadata): AppendRequest[] {
  return podBatchPayloads(type, members).map((data) => {
    const eventId = newEventId();
    return { stream: podBatchStream(eventId), expectedVersion: 'no_stream', events: [{ eventId, type, data, metadata }] };
  });
}

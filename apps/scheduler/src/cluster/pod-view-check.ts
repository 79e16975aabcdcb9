// What keeps two writers from deciding about pods on different views. Pods have no stream version to expect
// (their placements and status changes are batches, streams of their own), so every scheduler append that
// decides about pods carries this check instead: the transaction fails (serialization_failure, a retryable
// conflict: read on, decide again) when a pod event it did not see was committed after its view, other than
// this process's own appends, which it folded without reading them back.
// Literal values, so PostgreSQL plans it for them: a few probes of the (type, position) index.

import { EVENT_TYPES } from '@everynode/contracts';

/** Every event that places, removes, orphans a pod or records its status, alone or in batches: the catalog's Pod*. */
export const POD_EVENT_TYPES = EVENT_TYPES.filter((t) => t.startsWith('Pod'));

/** `own`: position ranges [first, last] of this process's appends since the view (ClusterCache.podViewCheck passes them). */
export function podViewCheckSql(basis: number, own: readonly (readonly [number, number])[] = []): string {
  const notOwn = own.map(([first, last]) => ` AND position NOT BETWEEN ${first} AND ${last}`).join('');
  return `SELECT event_log.fail('40001', 'pods changed at position ' || position || ', after the view at ${basis}')
   FROM event_log.events WHERE type = ANY('{${POD_EVENT_TYPES.join(',')}}'::text[]) AND position > ${basis}${notOwn} LIMIT 1`;
}

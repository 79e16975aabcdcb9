// How many pods are placed, as the log says: the scheduler keeps its view of them in memory (folded from the
// log), not in a table, so the bench counts the pods whose latest placement event (event_log.pod_events: batches
// taken apart) is their PodScheduled, not a removal or an orphaning since.
import type { DataSource } from 'typeorm';

/** `where`: a condition on that PodScheduled `s` (e.g. `s.data->>'node' = ANY($1::text[])`). A scan of the pod events. */
export async function livePods(db: DataSource, where = 'true', params: unknown[] = []): Promise<number> {
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM (
       SELECT DISTINCT ON (stream) type, data FROM event_log.pod_events
       WHERE type IN ('PodScheduled', 'PodRemoved', 'PodOrphaned') ORDER BY stream, position DESC) s
     WHERE s.type = 'PodScheduled' AND (${where})`,
    params,
  );
  return n;
}

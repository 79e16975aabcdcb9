// How many pods are placed, as the log says: the scheduler keeps its view of them in memory (folded from the
// log), not in a table, so the bench counts PodScheduled events whose pod was not removed or orphaned since.
import type { DataSource } from 'typeorm';

/**
 * `where`: a condition on the PodScheduled event `s` (e.g. `s.data->>'node' = ANY($1::text[])`). Each pod is
 * one probe of the (stream, stream_version) index; polled, it costs a scan of the PodScheduled events.
 */
export async function livePods(db: DataSource, where = 'true', params: unknown[] = []): Promise<number> {
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM event_log.events s
     WHERE s.type = 'PodScheduled' AND (${where})
       AND NOT EXISTS (SELECT 1 FROM event_log.events r
                       WHERE r.stream = s.stream AND r.stream_version > s.stream_version AND r.type IN ('PodRemoved', 'PodOrphaned'))`,
    params,
  );
  return n;
}

// Streaming reads of the log for audits: page by page, never the whole log in memory.
import type { RecordedEvent } from '@everynode/contracts';
import type { EventStore } from '@everynode/event-store';
import { ClusterReadModel } from '@everynode/read-models';
import type { DataSource } from 'typeorm';

export interface LogRange {
  /** Position to start after (exclusive). */
  after?: number;
  /** Last position to include. */
  to?: number;
  pageSize?: number;
}

/**
 * Pages of the log in order. The next page is already being read while the caller works on this one,
 * so Postgres (another core) fetches while this process folds.
 */
export async function* readLog(store: EventStore, range: LogRange = {}): AsyncGenerator<RecordedEvent[]> {
  const limit = range.pageSize ?? 5000;
  const read = (after: number) => {
    const page = store.readAll({ after, limit, ...(range.to !== undefined ? { to: range.to } : {}) });
    page.catch(() => undefined); // a caller that stops early never awaits the page read ahead
    return page;
  };
  let next = read(range.after ?? 0);
  for (;;) {
    const page = await next;
    if (!page.length) return;
    const more = page.length === limit;
    if (more) next = read(page[page.length - 1].position);
    yield page;
    if (!more) return;
  }
}

/** `at` is a log position or an RFC 3339 time; returns the last position at or before it. */
export async function resolvePosition(dataSource: DataSource, at: string): Promise<number> {
  if (/^\d+$/.test(at)) return Number(at);
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw new Error(`"${at}" is neither a log position nor an RFC 3339 time (e.g. 2026-11-29T10:00:00Z)`);
  const [row] = await dataSource.query(`SELECT coalesce(max(position), 0) AS p FROM event_log.events WHERE recorded_at <= $1`, [new Date(time).toISOString()]);
  return Number(row.p);
}

/** The cluster as it was at `to` (or now): every event up to it folded with the services' own functions. */
export async function foldCluster(
  store: EventStore,
  to?: number,
  onProgress?: (position: number) => void,
): Promise<ClusterReadModel> {
  const model = new ClusterReadModel();
  for await (const page of readLog(store, { to })) {
    for (const event of page) model.apply(event);
    onProgress?.(model.position);
  }
  const last = to ?? model.position;
  // Availability is judged at the moment asked for, not today.
  const at = model.position ? Date.parse((await store.readAll({ after: last - 1, limit: 1 }))[0]?.recordedAt ?? new Date().toISOString()) : Date.now();
  model.flush(at);
  return model;
}

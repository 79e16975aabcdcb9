// Writing and reading rows shaped like event_log.events with plain pg clients, the way the event store
// does it (one INSERT per batch, the rows as one json_to_recordset document) but without its checks.
import { Client } from 'pg';
import type { RecordedEvent } from '@everynode/contracts';
import { EVENT_COLUMNS, insertEventsSql } from '@everynode/event-store';

export const LOG_COLUMNS = EVENT_COLUMNS;

/** The events themselves are the rows: insertSql reads them by their member names, as the event store does. */
export const rowsJson = (events: RecordedEvent[]): string => JSON.stringify(events);

/** The event store's INSERT into `table`; the rows come as $1; `first`, when given, is evaluated once before them (e.g. taking a lock). */
export const insertSql = (table: string, first?: string) =>
  first ? `WITH first AS MATERIALIZED (SELECT ${first}) ${insertEventsSql('$1', table, 'first, ')}` : insertEventsSql('$1', table);

export async function pgClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Inserts the transactions of `history` into `table` in chunks of at least `chunk` events, with `clients`
 * INSERTs in flight while the next chunk is produced. Returns the number of events written.
 */
export async function writeHistory(
  url: string,
  table: string,
  history: Iterable<RecordedEvent[]>,
  opts: { chunk?: number; clients?: number; onProgress?: (written: number) => void } = {},
): Promise<number> {
  const chunk = opts.chunk ?? 5000;
  const clients = await Promise.all(Array.from({ length: opts.clients ?? 2 }, () => pgClient(url)));
  const idle = [...clients];
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let failure: Error | undefined;
  const send = async (events: RecordedEvent[]) => {
    while (!idle.length) await Promise.race(inFlight);
    if (failure) throw failure;
    const client = idle.pop()!;
    const done = client
      .query(insertSql(table), [rowsJson(events)])
      .then(() => {
        written += events.length;
        opts.onProgress?.(written);
      })
      .catch((e: Error) => void (failure ??= e))
      .finally(() => {
        idle.push(client);
        inFlight.delete(done);
      });
    inFlight.add(done);
    // Let the socket take the query text before the next chunk is produced (pure CPU).
    await new Promise((r) => setImmediate(r));
  };
  try {
    let pending: RecordedEvent[] = [];
    for (const tx of history) {
      pending.push(...tx);
      if (pending.length >= chunk) {
        await send(pending);
        pending = [];
      }
    }
    if (pending.length) await send(pending);
    await Promise.all(inFlight);
    if (failure) throw failure;
    return written;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

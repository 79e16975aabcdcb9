import type { EntityManager } from 'typeorm';

const QUALIFIED_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Records that `consumer` processed these events, inside the caller's transaction, so the
 * consumer's effects and this record commit together (DESIGN.md rule 5). Returns the ids that
 * were not processed before — the ones the caller should act on (lower-case uuids).
 */
export async function markProcessed(
  manager: EntityManager,
  table: string,
  consumer: string,
  eventIds: string[],
): Promise<Set<string>> {
  if (!QUALIFIED_NAME.test(table)) throw new TypeError(`Not a table name: ${table}`);
  if (eventIds.length === 0) return new Set();
  const rows: { event_id: string }[] = await manager.query(
    `INSERT INTO ${table} (consumer, event_id) SELECT $1, unnest($2::uuid[])
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, [...new Set(eventIds)]],
  );
  return new Set(rows.map((r) => r.event_id));
}

/** The processed-events table for a service's schema, for that service's migration. */
export function processedEventsTableSql(schema: string): string {
  if (!QUALIFIED_NAME.test(schema) || schema.includes('.')) throw new TypeError(`Not a schema name: ${schema}`);
  return `CREATE TABLE ${schema}.processed_events (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  )`;
}

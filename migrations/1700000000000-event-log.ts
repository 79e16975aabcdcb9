import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only event log (DESIGN.md "Event-log rules" 1–3) and the application role.
 * Appends are serialized by an advisory lock in the event store, so `position` is assigned by
 * the app (gap-free, commit-ordered) rather than by a sequence.
 */
export class EventLog1700000000000 implements MigrationInterface {
  name = 'EventLog1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA event_log`);
    await q.query(`
      CREATE TABLE event_log.events (
        position       bigint      PRIMARY KEY,
        event_id       uuid        NOT NULL UNIQUE,
        stream         text        NOT NULL,
        stream_version int         NOT NULL,
        type           text        NOT NULL,
        data           jsonb       NOT NULL,
        metadata       jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL,
        hash           text        NOT NULL,
        prev_hash      text        NOT NULL,
        CONSTRAINT events_stream_version_key UNIQUE (stream, stream_version)
      )`);
    // The (stream, stream_version) UNIQUE constraint's index serves stream reads; this one serves type filters.
    await q.query(`CREATE INDEX events_type_idx ON event_log.events (type)`);

    // Append-only even for the superuser: row triggers for UPDATE/DELETE, a statement trigger for TRUNCATE.
    await q.query(`
      CREATE FUNCTION event_log.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_log.events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON event_log.events
      FOR EACH ROW EXECUTE FUNCTION event_log.reject_change()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON event_log.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_log.reject_change()`);

    // Wakes tailing readers (relay, CLI tail); one notify per INSERT statement, not per row.
    await q.query(`
      CREATE FUNCTION event_log.notify_append() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('event_log', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_notify AFTER INSERT ON event_log.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_log.notify_append()`);

    // Roles are cluster-global and test databases migrate concurrently: tolerate a racing creator.
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'everynode_app') THEN
          CREATE ROLE everynode_app NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`
      DO $$
      BEGIN
        EXECUTE format('GRANT CONNECT, TEMP ON DATABASE %I TO everynode_app', current_database());
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA event_log TO everynode_app`);
    await q.query(`GRANT SELECT, INSERT ON event_log.events TO everynode_app`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON event_log.events FROM everynode_app, PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON event_log.events FROM everynode_app`);
    await q.query(`REVOKE ALL ON SCHEMA event_log FROM everynode_app`);
    await q.query(`
      DO $$
      BEGIN
        EXECUTE format('REVOKE CONNECT, TEMP ON DATABASE %I FROM everynode_app', current_database());
      END $$`);
    await q.query(`DROP TABLE event_log.events`);
    await q.query(`DROP FUNCTION event_log.notify_append()`);
    await q.query(`DROP FUNCTION event_log.reject_change()`);
    await q.query(`DROP SCHEMA event_log`);
    // The role is shared by every database of the cluster: drop it only when nothing else uses it.
    await q.query(`
      DO $$
      BEGIN
        DROP ROLE IF EXISTS everynode_app;
      EXCEPTION WHEN dependent_objects_still_exist THEN NULL;
      END $$`);
  }
}

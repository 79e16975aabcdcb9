import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One least-privilege role per service, so a compromised (or buggy) service can touch only what it owns
 * (DESIGN.md: no service writes another's tables). Each may read and append the log — never UPDATE,
 * DELETE or TRUNCATE it — and write only its own schema's tables; none may create or alter anything.
 * The api-gateway only reads the log. Services run as their role (`serviceRole()`, @everynode/platform);
 * `everynode_app` stays the role of operator tools that rebuild every projection (`everynode replay`).
 * NOLOGIN: a deployment logs in as a LOGIN role that is granted the service role (see the README).
 */
export const SERVICE_ROLES = {
  'node-registry': { role: 'everynode_node_registry', schema: 'node_registry' },
  'daemonset-spec': { role: 'everynode_daemonset_spec', schema: 'daemonset_spec' },
  scheduler: { role: 'everynode_scheduler', schema: 'scheduler' },
  'api-gateway': { role: 'everynode_api_gateway', schema: undefined },
} as const;

export class ServiceRoles1700000000400 implements MigrationInterface {
  name = 'ServiceRoles1700000000400';

  async up(q: QueryRunner): Promise<void> {
    // Not even temporary tables: PUBLIC may create them by default (everynode_app keeps its own TEMP grant).
    await q.query(`DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$`);
    for (const { role, schema } of Object.values(SERVICE_ROLES)) {
      const grants = [
        `EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${role}', current_database())`,
        `GRANT USAGE ON SCHEMA event_log TO ${role}`,
        ...(schema
          ? [
              `GRANT SELECT, INSERT ON event_log.events TO ${role}`,
              // Every service process contends for the relay (one is active): its checkpoint.
              `GRANT USAGE ON SCHEMA relay TO ${role}`,
              `GRANT SELECT, INSERT, UPDATE ON relay.checkpoint TO ${role}`,
              `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
              `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
              `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
              // Tables a later migration adds to the schema (as the same migration role) are the service's too.
              `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
              `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
            ]
          : [`GRANT SELECT ON event_log.events TO ${role}`]),
      ];
      // Roles are cluster-global and test databases migrate concurrently: another database may create the role
      // at the same moment, or its down() drop it while nothing uses it yet ("role … was concurrently dropped"
      // at a GRANT). Either way: look again and start over, a few times.
      await q.query(`
        DO $$
        DECLARE attempt int := 0;
        BEGIN
          LOOP
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
                CREATE ROLE ${role} NOLOGIN;
              END IF;
              ${grants.map((g) => `${g};`).join('\n              ')}
              EXIT;
            EXCEPTION WHEN OTHERS THEN
              attempt := attempt + 1;
              IF attempt >= 5 THEN RAISE; END IF;
              PERFORM pg_sleep(0.05 * attempt);
            END;
          END LOOP;
        END $$`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { role, schema } of Object.values(SERVICE_ROLES)) {
      if (schema) {
        await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON TABLES FROM ${role}`);
        await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON SEQUENCES FROM ${role}`);
        await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`);
        await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${role}`);
        await q.query(`REVOKE ALL ON SCHEMA ${schema} FROM ${role}`);
        await q.query(`REVOKE ALL ON relay.checkpoint FROM ${role}`);
        await q.query(`REVOKE ALL ON SCHEMA relay FROM ${role}`);
      }
      await q.query(`REVOKE ALL ON event_log.events FROM ${role}`);
      await q.query(`REVOKE ALL ON SCHEMA event_log FROM ${role}`);
      await q.query(`DO $$ BEGIN EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM ${role}', current_database()); END $$`);
      // Shared by every database of the cluster: dropped only when nothing else uses it.
      await q.query(`
        DO $$
        BEGIN
          DROP ROLE IF EXISTS ${role};
        EXCEPTION WHEN dependent_objects_still_exist THEN NULL;
        END $$`);
    }
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database()); END $$`);
  }
}

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
      // Roles are cluster-global and test databases migrate concurrently: tolerate a racing creator.
      await q.query(`
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
            CREATE ROLE ${role} NOLOGIN;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
      await q.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${role}', current_database()); END $$`);
      await q.query(`GRANT USAGE ON SCHEMA event_log TO ${role}`);
      if (!schema) {
        await q.query(`GRANT SELECT ON event_log.events TO ${role}`);
        continue;
      }
      await q.query(`GRANT SELECT, INSERT ON event_log.events TO ${role}`);
      // Every service process contends for the relay (one is active): its checkpoint.
      await q.query(`GRANT USAGE ON SCHEMA relay TO ${role}`);
      await q.query(`GRANT SELECT, INSERT, UPDATE ON relay.checkpoint TO ${role}`);
      await q.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
      await q.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
      // Tables a later migration adds to the schema (as the same migration role) are the service's too.
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`);
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

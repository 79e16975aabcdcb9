import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each service's read models, in a schema of its own (DESIGN: no service writes another's tables).
 * All are disposable: `everynode replay` rebuilds them from the log.
 */
export class ServiceProjections1700000000200 implements MigrationInterface {
  name = 'ServiceProjections1700000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS node_registry`);
    await q.query(`CREATE TABLE node_registry.nodes (
      name text PRIMARY KEY,
      version int NOT NULL,
      record jsonb
    )`);
    await q.query(`CREATE SEQUENCE node_registry.pod_cidr_seq START 0 MINVALUE 0`);

    await q.query(`CREATE SCHEMA IF NOT EXISTS daemonset_spec`);
    await q.query(`CREATE TABLE daemonset_spec.daemonsets (
      namespace text NOT NULL,
      name text NOT NULL,
      version int NOT NULL,
      record jsonb,
      PRIMARY KEY (namespace, name)
    )`);

    await q.query(`CREATE SCHEMA IF NOT EXISTS scheduler`);
    // The optimistic-concurrency guard of placements: two scheduler replicas deciding on stale state can never
    // both commit a pod of one DaemonSet and template on one node (the second transaction fails and re-reads).
    await q.query(`CREATE TABLE scheduler.placements (
      pod text PRIMARY KEY,
      daemonset text NOT NULL,
      node text NOT NULL,
      template_hash text NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX placements_one_per_node ON scheduler.placements (daemonset, node, template_hash)`);

    for (const schema of ['node_registry', 'daemonset_spec', 'scheduler']) {
      await q.query(`GRANT USAGE ON SCHEMA ${schema} TO everynode_app`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO everynode_app`);
      await q.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO everynode_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS scheduler CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS daemonset_spec CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS node_registry CASCADE`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Namespaces, owned by the daemonset-spec service (projection of the `namespace-*` streams). */
export class Namespaces1700000000300 implements MigrationInterface {
  name = 'Namespaces1700000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE daemonset_spec.namespaces (name text PRIMARY KEY, version int NOT NULL, record jsonb)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON daemonset_spec.namespaces TO everynode_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE daemonset_spec.namespaces`);
  }
}

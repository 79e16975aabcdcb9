import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `scheduler.placements` was a unique (daemonset, node, template hash) guard written with every batch of
 * placements. The stale-view check that every batch runs under the log lock (no pod placed or removed after
 * the view it was decided on) already rules out everything the guard did, and more (two templates on one
 * node across a rollout). The guard cost a third row per placement inside the lock: 150,000 rows with two
 * indexes took ~2 s of PostgreSQL during a converge and lengthened every batch's hold of the lock.
 */
export class DropPlacementsGuard1700000000800 implements MigrationInterface {
  name = 'DropPlacementsGuard1700000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scheduler.placements`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Empty: its rows were the owned pods of the log's fold, which a down migration cannot compute.
    await q.query(`CREATE TABLE scheduler.placements (
      pod text PRIMARY KEY,
      daemonset text NOT NULL,
      node text NOT NULL,
      template_hash text NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX placements_one_per_node ON scheduler.placements (daemonset, node, template_hash)`);
  }
}

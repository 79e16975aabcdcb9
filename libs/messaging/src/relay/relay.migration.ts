import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The relay's checkpoint: the last log position JetStream acknowledged (DESIGN.md rule 4). */
export class RelayCheckpoint1700000000100 implements MigrationInterface {
  name = 'RelayCheckpoint1700000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA relay`);
    await q.query(`CREATE TABLE relay.checkpoint (id text PRIMARY KEY, position bigint NOT NULL)`);
    await q.query(`GRANT USAGE ON SCHEMA relay TO everynode_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON relay.checkpoint TO everynode_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE relay.checkpoint`);
    await q.query(`DROP SCHEMA relay`);
  }
}

/**
 * Where the batch being published ends. The relay packs runs of events into one message whose id names the
 * run; a successor that re-published the same events cut at another place would store them twice.
 */
export class RelayPublishingTo1700000000600 implements MigrationInterface {
  name = 'RelayPublishingTo1700000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE relay.checkpoint ADD COLUMN publishing_to bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE relay.checkpoint DROP COLUMN publishing_to`);
  }
}

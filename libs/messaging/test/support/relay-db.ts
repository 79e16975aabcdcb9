import type { TestDatabase } from '@everynode/platform';
import { RelayCheckpoint1700000000100, RelayPublishingTo1700000000600 } from '@everynode/messaging';

/** Adds the relay's checkpoint table unless the migrations list already did. */
export async function migrateRelay(db: TestDatabase): Promise<void> {
  const [{ exists }] = await db.adminDataSource.query(`SELECT to_regclass('relay.checkpoint') IS NOT NULL AS exists`);
  if (exists) return;
  const qr = db.adminDataSource.createQueryRunner();
  try {
    await new RelayCheckpoint1700000000100().up(qr);
    await new RelayPublishingTo1700000000600().up(qr);
  } finally {
    await qr.release();
  }
}

export async function checkpointOf(db: TestDatabase, prefix: string): Promise<number> {
  const rows = await db.adminDataSource.query(`SELECT position FROM relay.checkpoint WHERE id = $1`, [prefix]);
  return rows.length ? Number(rows[0].position) : 0;
}

/** Backend pids holding a relay advisory lock in this database. */
export async function relayLockHolders(db: TestDatabase): Promise<number[]> {
  const rows: { pid: number }[] = await db.adminDataSource.query(
    `SELECT pid FROM pg_locks
     WHERE locktype = 'advisory' AND classid = 7100 AND objsubid = 2 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows.map((r) => r.pid);
}

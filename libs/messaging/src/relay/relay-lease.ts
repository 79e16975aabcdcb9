import type { DataSource, QueryRunner } from 'typeorm';

/** First key of the two-key advisory lock space used by relays; the second is hashtext(checkpoint id). */
const RELAY_LOCK_CLASS = 7_100;

/**
 * The right to publish: a session advisory lock held on one dedicated connection. The checkpoint
 * is written over that same connection, so a relay whose session died can never move it.
 */
export class RelayLease {
  private lostFlag = false;
  private notifyLost = () => {};
  /** Resolves when the lock connection dies. */
  readonly lost = new Promise<void>((resolve) => (this.notifyLost = resolve));

  private constructor(
    private readonly qr: QueryRunner,
    private readonly id: string,
  ) {}

  /** The lease, or undefined when another relay holds it. */
  static async tryAcquire(dataSource: DataSource, id: string): Promise<RelayLease | undefined> {
    const qr = dataSource.createQueryRunner();
    try {
      const client = (await qr.connect()) as import('pg').Client;
      const [{ ok }] = await qr.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [RELAY_LOCK_CLASS, id]);
      if (!ok) {
        await qr.release();
        return undefined;
      }
      const lease = new RelayLease(qr, id);
      client.on('error', () => lease.markLost());
      client.on('end', () => lease.markLost());
      return lease;
    } catch (err) {
      await qr.release().catch(() => undefined);
      throw err;
    }
  }

  get isLost(): boolean {
    return this.lostFlag;
  }

  /** `position`: all up to here is in JetStream; `publishingTo`: where the last batch begun ended. */
  async readCheckpoint(): Promise<{ position: number; publishingTo: number }> {
    const rows: { position: string; publishing_to: string | null }[] = await this.qr.query(
      `SELECT position, publishing_to FROM relay.checkpoint WHERE id = $1`,
      [this.id],
    );
    return rows.length ? { position: Number(rows[0].position), publishingTo: Number(rows[0].publishing_to ?? 0) } : { position: 0, publishingTo: 0 };
  }

  /**
   * Written before a batch is published: the checkpoint so far (`position`, acknowledged by JetStream) and where
   * the batch ends, so a successor re-publishes it with the same boundaries. One statement for both: under
   * node churn the relay publishes hundreds of small batches a second, each of which wrote twice.
   */
  async saveProgress(position: number, publishingTo: number): Promise<void> {
    await this.run(
      `INSERT INTO relay.checkpoint (id, position, publishing_to) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, publishing_to = EXCLUDED.publishing_to`,
      [this.id, position, publishingTo],
    );
  }

  async saveCheckpoint(position: number): Promise<void> {
    await this.run(
      `INSERT INTO relay.checkpoint (id, position) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position`,
      [this.id, position],
    );
  }

  /** Confirms the session (and so the lock) is still alive. */
  async probe(): Promise<void> {
    await this.run('SELECT 1');
  }

  async release(): Promise<void> {
    this.markLost();
    // Also after a failed query: a live session must not go back to the pool holding the lock.
    await this.qr.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RELAY_LOCK_CLASS, this.id]).catch(() => undefined);
    await this.qr.release().catch(() => undefined);
  }

  private async run(sql: string, params?: unknown[]): Promise<void> {
    if (this.lostFlag) throw new Error('relay lease lost');
    try {
      await this.qr.query(sql, params);
    } catch (err) {
      this.markLost(); // whatever failed, we can no longer be sure we hold the lock
      throw err;
    }
  }

  private markLost(): void {
    this.lostFlag = true;
    this.notifyLost();
  }
}

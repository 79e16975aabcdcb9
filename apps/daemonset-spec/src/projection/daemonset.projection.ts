// The spec service's read model (schema daemonset_spec), written in the transaction that appends the events.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { RecordedEvent } from '@everynode/contracts';
import { DaemonSetState, evolveDaemonSet, initialDaemonSetState, presentDaemonSet, StoredDaemonSet } from '@everynode/read-models';

export { presentDaemonSet as presented };

@Injectable()
export class DaemonSetProjection {
  constructor(private readonly dataSource: DataSource) {}

  async load(namespace: string, name: string, manager: EntityManager = this.dataSource.manager): Promise<DaemonSetState> {
    const rows = await manager.query(`SELECT version, record FROM daemonset_spec.daemonsets WHERE namespace = $1 AND name = $2`, [namespace, name]);
    return rows.length ? { version: rows[0].version, record: rows[0].record } : initialDaemonSetState();
  }

  async apply(manager: EntityManager, namespace: string, name: string, state: DaemonSetState, events: RecordedEvent[]): Promise<DaemonSetState> {
    const next = events.reduce(evolveDaemonSet, state);
    await manager.query(
      `INSERT INTO daemonset_spec.daemonsets (namespace, name, version, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, name) DO UPDATE SET version = EXCLUDED.version, record = EXCLUDED.record`,
      [namespace, name, next.version, next.record === null ? null : JSON.stringify(next.record)],
    );
    return next;
  }

  async list(namespace?: string): Promise<StoredDaemonSet[]> {
    const rows = await this.dataSource.query(
      `SELECT record FROM daemonset_spec.daemonsets WHERE record IS NOT NULL AND ($1::text IS NULL OR namespace = $1) ORDER BY namespace, name`,
      [namespace ?? null],
    );
    return rows.map((r: { record: StoredDaemonSet }) => r.record);
  }
}

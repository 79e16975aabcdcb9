import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { NamespaceRecord, RecordedEvent } from '@everynode/contracts';
import { evolveNamespace, NamespaceState } from '@everynode/read-models';

@Injectable()
export class NamespaceProjection {
  constructor(private readonly dataSource: DataSource) {}

  async load(name: string, manager: EntityManager = this.dataSource.manager): Promise<NamespaceState> {
    const rows = await manager.query(`SELECT version, record FROM daemonset_spec.namespaces WHERE name = $1`, [name]);
    return rows.length ? { version: rows[0].version, record: rows[0].record } : { version: 0, record: null };
  }

  async apply(manager: EntityManager, name: string, state: NamespaceState, events: RecordedEvent[]): Promise<NamespaceState> {
    const next = events.reduce(evolveNamespace, state);
    await manager.query(
      `INSERT INTO daemonset_spec.namespaces (name, version, record) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, record = EXCLUDED.record`,
      [name, next.version, next.record === null ? null : JSON.stringify(next.record)],
    );
    return next;
  }

  async list(): Promise<NamespaceRecord[]> {
    const rows = await this.dataSource.query(`SELECT record FROM daemonset_spec.namespaces WHERE record IS NOT NULL ORDER BY name`);
    return rows.map((r: { record: NamespaceRecord }) => r.record);
  }
}

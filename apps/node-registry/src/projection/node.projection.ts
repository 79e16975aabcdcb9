// The registry's read model (schema node_registry), written in the same transaction as the events it folds.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { NodeRecord, RecordedEvent } from '@everynode/contracts';
import { NodeState } from '../domain/node.decider';
import { evolveNode, initialNodeState } from '@everynode/read-models';

@Injectable()
export class NodeProjection {
  constructor(private readonly dataSource: DataSource) {}

  async load(name: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<NodeState> {
    const rows = await manager.query(
      `SELECT version, record FROM node_registry.nodes WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    return rows.length ? { version: rows[0].version, node: rows[0].record } : initialNodeState();
  }

  /** Folds committed events into the rows of their nodes (one statement per node touched). */
  async apply(manager: EntityManager, events: RecordedEvent[], known = new Map<string, NodeState>()): Promise<Map<string, NodeState>> {
    const touched = new Map<string, NodeState>();
    for (const event of events) {
      const name = (event.data as { name: string }).name;
      const before = touched.get(name) ?? known.get(name) ?? (await this.load(name, manager));
      touched.set(name, evolveNode(before, event));
    }
    if (touched.size) {
      await manager.query(
        `INSERT INTO node_registry.nodes (name, version, record)
         SELECT x.name, x.version, x.record FROM jsonb_to_recordset($1::jsonb) AS x(name text, version int, record jsonb)
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, record = EXCLUDED.record`,
        [JSON.stringify([...touched].map(([name, s]) => ({ name, version: s.version, record: s.node })))],
      );
    }
    return touched;
  }

  async list(): Promise<NodeRecord[]> {
    const rows = await this.dataSource.query(`SELECT record FROM node_registry.nodes WHERE record IS NOT NULL ORDER BY name`);
    return rows.map((r: { record: NodeRecord }) => r.record);
  }

  /** Pod CIDRs are handed out in join order; the index survives in the node's record. */
  async nextPodCidr(manager: EntityManager): Promise<string> {
    const [{ n }] = await manager.query(`SELECT nextval('node_registry.pod_cidr_seq') AS n`);
    const i = Number(n);
    return `10.${64 + Math.floor(i / 256)}.${i % 256}.0/24`;
  }
}

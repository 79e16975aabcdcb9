// The registry's read model (schema node_registry), written in the same transaction as the events it folds.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ConditionStatus, NodeRecord, RecordedEvent } from '@everynode/contracts';
import { NodeState } from '../domain/node.decider';
import { evolveNode, initialNodeState } from '@everynode/read-models';
import { sqlLiteral } from '@everynode/event-store';

/** A member node's name and recorded readiness: what leases need, without the whole record. */
export interface NodeReadiness {
  name: string;
  ready: ConditionStatus;
}

/** Pod CIDR indexes taken from the sequence ahead of need. */
const CIDR_BLOCK = 64;

@Injectable()
export class NodeProjection {
  /** Indexes taken from the sequence and not handed out yet, in order. */
  private readonly spareCidrs: number[] = [];

  constructor(private readonly dataSource: DataSource) {}

  async load(name: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<NodeState> {
    const rows = await manager.query(
      `SELECT version, record FROM node_registry.nodes WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    return rows.length ? { version: rows[0].version, node: rows[0].record } : initialNodeState();
  }

  /** The states of several nodes in one statement (a name never seen gets the initial state). */
  async loadMany(names: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, NodeState>> {
    const states = new Map<string, NodeState>(names.map((n) => [n, initialNodeState()]));
    if (!names.length) return states;
    const rows: { name: string; version: number; record: NodeRecord | null }[] = await manager.query(
      `SELECT name, version, record FROM node_registry.nodes WHERE name = ANY($1::text[])`,
      [names],
    );
    for (const r of rows) states.set(r.name, { version: r.version, node: r.record });
    return states;
  }

  /**
   * The statements folding `events` into the rows of their nodes (one for all nodes touched), from the
   * nodes' states before them (`known`, which holds every node the events name); none for no events. Literal
   * SQL: it goes with the events' INSERT and COMMIT in one round trip (TransactionOptions.after).
   */
  static upsertSql(events: RecordedEvent[], known: ReadonlyMap<string, NodeState>): string[] {
    const touched = new Map<string, NodeState>();
    for (const event of events) {
      const name = (event.data as { name: string }).name;
      const before = touched.get(name) ?? known.get(name);
      if (!before) throw new Error(`node ${name} was not loaded before its events were folded`);
      touched.set(name, evolveNode(before, event));
    }
    if (!touched.size) return [];
    const rows = JSON.stringify([...touched].map(([name, s]) => ({ name, version: s.version, record: s.node })));
    return [
      `INSERT INTO node_registry.nodes (name, version, record)
       SELECT x.name, x.version, x.record FROM jsonb_to_recordset(${sqlLiteral(rows)}::jsonb) AS x(name text, version int, record jsonb)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, record = EXCLUDED.record`,
    ];
  }

  async list(): Promise<NodeRecord[]> {
    const rows = await this.dataSource.query(`SELECT record FROM node_registry.nodes WHERE record IS NOT NULL ORDER BY name`);
    return rows.map((r: { record: NodeRecord }) => r.record);
  }

  /** Readiness of the member nodes among `names` (all members when omitted): an index lookup per name, no records parsed. */
  async readiness(names?: string[]): Promise<NodeReadiness[]> {
    return names
      ? this.dataSource.query(
          `SELECT name, record->>'ready' AS ready FROM node_registry.nodes WHERE name = ANY($1::text[]) AND record IS NOT NULL`,
          [names],
        )
      : this.dataSource.query(`SELECT name, record->>'ready' AS ready FROM node_registry.nodes WHERE record IS NOT NULL`);
  }

  /**
   * `count` pod CIDRs (a batch of joins), in join order; the index survives in the node's record. Indexes are
   * taken from the sequence CIDR_BLOCK ahead, so most join batches cost no round trip for theirs (a restart
   * leaves at most a block unused).
   */
  async nextPodCidrs(count: number): Promise<string[]> {
    if (count <= 0) return [];
    if (this.spareCidrs.length < count) {
      const rows: { n: string }[] = await this.dataSource.query(
        `SELECT nextval('node_registry.pod_cidr_seq') AS n FROM generate_series(1, $1::int) ORDER BY 1`,
        [count - this.spareCidrs.length + CIDR_BLOCK],
      );
      this.spareCidrs.push(...rows.map(({ n }) => Number(n)));
    }
    return this.spareCidrs.splice(0, count).map((i) => `10.${64 + Math.floor(i / 256)}.${i % 256}.0/24`);
  }
}

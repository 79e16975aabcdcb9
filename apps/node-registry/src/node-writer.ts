// The registry's write path: in one transaction, read a node's state, decide, append, fold into the projection.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { nodeStream } from '@everynode/contracts';
import type { NewEvent } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { transactionWithRetry } from '@everynode/platform';
import { NodeState } from './domain/node.decider';
import { NodeProjection } from './projection/node.projection';

export type NodeDecision = (state: NodeState, manager: EntityManager) => Promise<NewEvent[]> | NewEvent[];

@Injectable()
export class NodeWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly projection: NodeProjection,
  ) {}

  /** Decides for several nodes at once (leases expire in bulk); one transaction, one append batch. */
  async write(names: string[], decide: (name: string, state: NodeState, manager: EntityManager) => Promise<NewEvent[]> | NewEvent[]) {
    return transactionWithRetry(this.dataSource, async (manager) => {
      const states = new Map<string, NodeState>();
      const requests = [];
      for (const name of names) {
        const state = await this.projection.load(name, manager);
        states.set(name, state);
        const events = await decide(name, state, manager);
        if (events.length) requests.push({ stream: nodeStream(name), expectedVersion: state.version, events });
      }
      if (!requests.length) return states;
      const results = await this.store.appendMany(requests, { manager });
      const touched = await this.projection.apply(manager, results.flatMap((r) => r.events), states);
      for (const [name, state] of touched) states.set(name, state);
      return states;
    });
  }

  async writeOne(name: string, decide: NodeDecision): Promise<NodeState> {
    const states = await this.write([name], (_n, state, manager) => decide(state, manager));
    return states.get(name)!;
  }
}

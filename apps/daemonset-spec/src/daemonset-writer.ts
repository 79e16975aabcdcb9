// One transaction per command: read the stored DaemonSet, decide, append with its stream version, fold.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { daemonSetStream, notFound } from '@everynode/contracts';
import type { NewEvent } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { transactionWithRetry } from '@everynode/platform';
import { DaemonSetState } from './decider/daemonset.decider';
import { NamespaceProjection } from './namespaces/namespace.projection';
import { DaemonSetProjection } from './projection/daemonset.projection';

@Injectable()
export class DaemonSetWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly projection: DaemonSetProjection,
    private readonly namespaces: NamespaceProjection,
  ) {}

  read(namespace: string, name: string): Promise<DaemonSetState> {
    return this.projection.load(namespace, name);
  }

  /** Returns the state before and after (equal when the decision was "nothing to do"). */
  write(namespace: string, name: string, decide: (state: DaemonSetState) => NewEvent[]) {
    return transactionWithRetry(this.dataSource, async (manager) => {
      const before = await this.projection.load(namespace, name, manager);
      const events = decide(before);
      // As Kubernetes: no object in a namespace that does not exist (checked in the transaction that appends).
      if (events.some((e) => e.type === 'DaemonSetCreated') && !(await this.namespaces.load(namespace, manager)).record) {
        throw notFound('namespaces', namespace);
      }
      if (!events.length) return { before, after: before, changed: false };
      const { events: recorded } = await this.store.appendToStream(daemonSetStream(namespace, name), before.version, events, { manager });
      const after = await this.projection.apply(manager, namespace, name, before, recorded);
      return { before, after, changed: true };
    });
  }
}

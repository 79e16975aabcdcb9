import { Controller, Logger, OnApplicationBootstrap, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { COMMANDS, daemonSetStream, namespaceStream, notFound } from '@everynode/contracts';
import type { CommandMeta, CreateNamespaceCommand, EventMetadata, NamespaceRecord } from '@everynode/contracts';
import { EventStore, newEventId } from '@everynode/event-store';
import { KubeStatusRpcFilter, transactionWithRetry } from '@everynode/platform';
import { decideDelete, metadataOf } from '../decider/daemonset.decider';
import { DaemonSetProjection } from '../projection/daemonset.projection';
import { isDns1123Label } from '../domain/k8s-names';
import { checkNamespace, decideCreateNamespace, decideDeleteNamespace, SYSTEM_NAMESPACES } from './namespace.decider';
import { NamespaceProjection } from './namespace.projection';

@Controller()
@UseFilters(KubeStatusRpcFilter)
export class NamespaceHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Namespaces');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly namespaces: NamespaceProjection,
    private readonly daemonSets: DaemonSetProjection,
  ) {}

  /** Every cluster has these; creating them is idempotent, and several replicas may race (the loser sees AlreadyExists). */
  async onApplicationBootstrap() {
    const metadata: EventMetadata = { causationId: null, correlationId: randomUUID(), actor: 'service:daemonset-spec', reason: 'system namespace' };
    for (const name of SYSTEM_NAMESPACES) {
      await this.create({ name }, metadata).catch((e) => {
        if (e?.status?.reason !== 'AlreadyExists') this.logger.error(`creating namespace ${name} failed: ${e.message}`);
      });
    }
  }

  private async create(cmd: Pick<CreateNamespaceCommand, 'name' | 'labels'>, metadata: EventMetadata): Promise<NamespaceRecord> {
    checkNamespace(cmd);
    return transactionWithRetry(this.dataSource, async (manager) => {
      const state = await this.namespaces.load(cmd.name, manager);
      const events = decideCreateNamespace(state, cmd, metadata, newEventId);
      const { events: recorded } = await this.store.appendToStream(namespaceStream(cmd.name), state.version, events, { manager });
      return (await this.namespaces.apply(manager, cmd.name, state, recorded)).record!;
    });
  }

  @MessagePattern(COMMANDS.namespaceCreate)
  createNamespace(@Payload() cmd: CreateNamespaceCommand): Promise<NamespaceRecord> {
    return this.create(cmd, metadataOf(cmd.meta));
  }

  /** Deleting a namespace deletes its DaemonSets (and so their pods), in the same transaction. */
  @MessagePattern(COMMANDS.namespaceDelete)
  async deleteNamespace(@Payload() cmd: { meta: CommandMeta; name: string }): Promise<NamespaceRecord> {
    if (typeof cmd.name !== 'string' || isDns1123Label(cmd.name).length) throw notFound('namespaces', String(cmd.name)); // never created: no query
    return transactionWithRetry(this.dataSource, async (manager) => {
      const state = await this.namespaces.load(cmd.name, manager);
      const events = decideDeleteNamespace(state, cmd.name, metadataOf(cmd.meta), newEventId);
      await this.deleteDaemonSetsIn(manager, cmd.name, cmd.meta);
      const { events: recorded } = await this.store.appendToStream(namespaceStream(cmd.name), state.version, events, { manager });
      await this.namespaces.apply(manager, cmd.name, state, recorded);
      return { ...state.record!, phase: 'Terminating' };
    });
  }

  private async deleteDaemonSetsIn(manager: EntityManager, namespace: string, meta: CommandMeta) {
    for (const ds of await this.daemonSets.list(namespace)) {
      const name = ds.object.metadata.name!;
      const before = await this.daemonSets.load(namespace, name, manager);
      const events = decideDelete(before, { meta, namespace, name }, { newId: newEventId });
      const { events: recorded } = await this.store.appendToStream(daemonSetStream(namespace, name), before.version, events, { manager });
      await this.daemonSets.apply(manager, namespace, name, before, recorded);
    }
  }

  @MessagePattern(COMMANDS.namespaceGet)
  async get(@Payload() q: { name: string }): Promise<NamespaceRecord> {
    const { record } = await this.namespaces.load(q.name);
    if (!record) throw notFound('namespaces', q.name);
    return record;
  }

  @MessagePattern(COMMANDS.namespaceList)
  list(): Promise<NamespaceRecord[]> {
    return this.namespaces.list();
  }
}


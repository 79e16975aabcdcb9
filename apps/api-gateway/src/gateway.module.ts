import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { EventStore } from '@everynode/event-store';
import { JetStreamClient } from '@everynode/messaging';
import { dataSourceOptions, OpsModule, Readiness, serviceRole } from '@everynode/platform';
import { AuthRefusals } from './auth/auth-refusals.service';
import { AuthenticateMiddleware } from './auth/authenticate.middleware';
import { CommandBus } from './commands/command-bus.service';
import { CommandRouter } from './commands/command-router.service';
import { HttpCommandClient } from './commands/http-commands.client';
import type { GatewayConfig } from './config/gateway-config';
import { COMMAND_CLIENT, GATEWAY_CONFIG } from './config/tokens';
import { DaemonSetWrites } from './daemonsets/daemonset-writes.service';
import { DaemonSetsController } from './daemonsets/daemonsets.controller';
import { DiscoveryController } from './discovery/discovery.controller';
import { EventsController } from './discovery/events.controller';
import { ReadResponder } from './http/read-responder.service';
import { PodRows } from './pods/pod-rows';
import { ResourceReads } from './http/resource-reads.service';
import { NamespaceWrites } from './namespaces/namespace-writes.service';
import { NamespacesController } from './namespaces/namespaces.controller';
import { NodeWrites } from './nodes/node-writes.service';
import { NodesController } from './nodes/nodes.controller';
import { LivezController } from './ops/livez.controller';
import { RequestLogMiddleware } from './ops/request-log.middleware';
import { PodWrites } from './pods/pod-writes.service';
import { PodsController } from './pods/pods.controller';
import { ClusterView } from './read-model/cluster-view.service';
import { KubeObjects } from './read-model/kube-objects.service';
import { WatchService } from './watch/watch.service';
import { GrpcApiHost } from './grpc/grpc-api.host';
import { AuditController } from './audit/audit.controller';

/** Ready = the log is reachable, NATS answers, and the read model has caught up with the log. */
@Injectable()
class GatewayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly readiness: Readiness,
    private readonly dataSource: DataSource,
    private readonly view: ClusterView,
    @Inject(COMMAND_CLIENT) private readonly client: JetStreamClient,
  ) {}

  onApplicationBootstrap() {
    this.readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
      return true;
    });
    this.readiness.register('nats', async () => {
      await this.client.connect();
      await this.client.unwrap<NatsConnection>().flush();
      return true;
    });
    this.readiness.register('read-model', () => this.view.ready);
  }

  async onApplicationShutdown() {
    await this.client.close().catch(() => undefined);
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        OpsModule,
        // Reads only: the gateway owns no stream and no table; its role may only read the log.
        TypeOrmModule.forRoot({ ...dataSourceOptions({ url: config.databaseUrl, appRole: serviceRole('api-gateway'), poolSize: 4 }), migrationsRun: false }),
      ],
      controllers: [
        DiscoveryController,
        NamespacesController,
        NodesController,
        PodsController,
        DaemonSetsController,
        EventsController,
        LivezController,
        AuditController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds) },
        { provide: COMMAND_CLIENT, useFactory: () => new JetStreamClient({ servers: config.natsUrl, prefix: config.natsPrefix, timeoutMs: 15_000 }) },
        { provide: HttpCommandClient, useFactory: () => HttpCommandClient.fromEnv() },
        GatewayLifecycle,
        ClusterView,
        KubeObjects,
        ReadResponder,
        PodRows,
        WatchService,
        ResourceReads,
        CommandRouter,
        CommandBus,
        NamespaceWrites,
        NodeWrites,
        PodWrites,
        DaemonSetWrites,
        AuthenticateMiddleware,
        AuthRefusals,
        RequestLogMiddleware,
        GrpcApiHost,
      ],
    };
  }
}

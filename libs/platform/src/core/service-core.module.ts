// What every service process shares: its configuration, the database (as the least-privilege app role),
// the event store, health/readiness/metrics, and a relay contender (one relay is active across all processes).
import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventStore } from '@everynode/event-store';
import { Relay } from '@everynode/messaging';
import type { ServiceConfig } from '../config/service-config';
import { dataSourceOptions, serviceRole } from '../database';
import { MetricsRegistry } from '../ops/metrics.registry';
import { OpsModule } from '../ops/ops.module';
import { Readiness } from '../ops/readiness';
import { CommandHandlers } from '../rpc/command-handlers';
import { INTERNAL_COMMANDS_TOKEN, InternalCommandsController } from '../rpc/internal-commands.controller';
import { SERVICE_CONFIG } from './tokens';

@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Relay');
  private relay?: Relay;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly dataSource: DataSource,
    private readonly eventStore: EventStore,
    private readonly metrics: MetricsRegistry,
    private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.relay) return;
    this.relay = new Relay({
      dataSource: this.dataSource,
      eventStore: this.eventStore,
      servers: this.config.natsUrl,
      prefix: this.config.natsPrefix,
    });
    const relay = this.relay;
    this.metrics.gaugeFn('relay_active', 'Whether this process holds the relay lock (1) or stands by (0).', () => (relay.stats().active ? 1 : 0));
    this.metrics.gaugeFn('relay_published_total', 'Events this process published to JetStream.', () => relay.stats().published);
    this.metrics.gaugeFn('relay_messages_total', 'JetStream messages those events travelled in.', () => relay.stats().messages);
    this.metrics.gaugeFn('relay_checkpoint_position', 'Last log position confirmed by JetStream.', () => relay.stats().lastPosition);
    await relay.start();
    this.logger.log('relay contender started');
  }

  async onApplicationShutdown() {
    await this.relay?.stop();
  }
}

@Injectable()
class DatabaseReadiness implements OnApplicationBootstrap {
  constructor(private readonly dataSource: DataSource, private readonly readiness: Readiness) {}
  onApplicationBootstrap() {
    this.readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
      return true;
    });
  }
}

@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        OpsModule,
        TypeOrmModule.forRoot({ ...dataSourceOptions({ url: config.databaseUrl, appRole: serviceRole(config.service), poolSize: 10 }), migrationsRun: false }),
      ],
      controllers: [InternalCommandsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        // Unset: internal commands from loopback only (see InternalCommandsController).
        { provide: INTERNAL_COMMANDS_TOKEN, useFactory: () => process.env.INTERNAL_COMMANDS_TOKEN || undefined },
        CommandHandlers,
        { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds) },
        RelayLifecycle,
        DatabaseReadiness,
      ],
      exports: [SERVICE_CONFIG, EventStore],
    };
  }
}

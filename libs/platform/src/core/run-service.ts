// One way to start every service: check what it needs, migrate, then serve HTTP (ops) and NATS (commands, events).
import { ConsoleLogger, DynamicModule, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamServer, type JetStreamServerStats } from '@everynode/messaging';
import { ConfigError, loadConfig } from '../config/service-config';
import type { ServiceConfig } from '../config/service-config';
import { checkNats, checkPostgres } from '../config/preflight';
import { migrate } from '../database';
import { MetricsRegistry } from '../ops/metrics.registry';
import { Readiness } from '../ops/readiness';
import { CommandHandlers } from '../rpc/command-handlers';
import { exitGracefullyOnSignals } from './graceful-shutdown';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface RunServiceOptions {
  service: string;
  module: (config: ServiceConfig) => DynamicModule;
  /** Event consumer settings; omit for a service that consumes no events. */
  consumer?: { batchSize?: number; deliverPolicy?: 'all' | 'new' };
}

export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const logger = new ConsoleLogger(options.service, { json: true });
  let config: ServiceConfig;
  try {
    config = loadConfig(options.service);
    await checkPostgres(config.databaseUrl);
    if (config.migrationDatabaseUrl !== config.databaseUrl) await checkPostgres(config.migrationDatabaseUrl);
    await checkNats(config.natsUrl);
    await migrate(config.migrationDatabaseUrl);
  } catch (error) {
    logger.fatal(error instanceof ConfigError ? error.message : (error as Error).message);
    process.exit(78); // EX_CONFIG: nothing to retry until the user acts
  }
  const level = LEVELS.indexOf(config.logLevel as LogLevel);
  // Levels given at construction: Nest does not keep levels set later on the logger it is handed.
  const serviceLogger = new ConsoleLogger(options.service, { json: true, logLevels: LEVELS.slice(0, level < 0 ? 4 : level + 1) });

  const app = await NestFactory.create<NestExpressApplication>(options.module(config), { logger: serviceLogger });
  // Commands also arrive over HTTP (the gateway's fallback); NATS allows them up to 1 MiB.
  app.useBodyParser('json', { limit: '1mb' });
  const transport = new JetStreamServer({
    servers: config.natsUrl,
    prefix: config.natsPrefix,
    durable: options.service,
    ...options.consumer,
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  exitGracefullyOnSignals(app, serviceLogger);
  exportTransportStats(app.get(MetricsRegistry), transport);
  // A round trip to the server: true only while NATS answers.
  app.get(Readiness).register('nats', async () => {
    await transport.unwrap<NatsConnection>().flush();
    return true;
  });
  // Migrations and module init must finish before JetStream delivers anything.
  await app.init();
  await app.startAllMicroservices();
  app.get(CommandHandlers).attach(transport, config.natsPrefix);
  await app.listen(config.httpPort, '0.0.0.0');
  serviceLogger.log(`${options.service} ready: http://127.0.0.1:${config.httpPort}/healthz, NATS ${config.natsUrl} prefix ${config.natsPrefix}`);
  return app;
}

function exportTransportStats(metrics: MetricsRegistry, transport: JetStreamServer): void {
  const stat = (key: keyof JetStreamServerStats) => () => transport.stats()[key];
  metrics.counterFn('events_delivered_total', 'Event deliveries handed to this service (redeliveries included).', stat('delivered'));
  metrics.counterFn('events_acked_total', 'Events processed and acknowledged.', stat('acked'));
  metrics.counterFn('events_naked_total', 'Event deliveries that failed and were handed back for a later retry.', stat('naked'));
  metrics.counterFn('events_dead_lettered_total', 'Events that exhausted their deliveries (or were unreadable), copied to the dead-letter stream.', stat('deadLettered'));
  metrics.counterFn('commands_served_total', 'Commands answered over NATS.', stat('commandsServed'));
}

// The Kubernetes-compatible HTTPS API. Reads come from the event log (folded in memory), writes go
// to the owning services as NATS commands. First start makes the CA, certificate, admin token and
// kubeconfig under EVERYNODE_HOME.
import 'reflect-metadata';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { checkNats, checkPostgres, ConfigError, exitGracefullyOnSignals, migrate } from '@everynode/platform';
import { AuthenticateMiddleware } from './auth/authenticate.middleware';
import { ensureCredentials } from './auth/kubeconfig';
import { type GatewayConfig, loadGatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { answerClientErrors, MAX_HEADER_BYTES } from './http/client-errors';
import { KubeErrorFilter } from './http/kube-errors';
import { RequestLogMiddleware } from './ops/request-log.middleware';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

async function main() {
  const logger = new ConsoleLogger('api-gateway', { json: true });
  let config: GatewayConfig;
  let credentials: ReturnType<typeof ensureCredentials>;
  try {
    config = loadGatewayConfig();
    await checkPostgres(config.databaseUrl);
    await checkNats(config.natsUrl);
    await migrate(config.migrationDatabaseUrl);
    credentials = ensureCredentials(config.home, { port: config.httpPort, host: config.host });
  } catch (error) {
    logger.fatal(error instanceof ConfigError ? error.message : (error as Error).message);
    process.exit(78); // EX_CONFIG: nothing to retry until the user acts
  }
  const level = LEVELS.indexOf(config.logLevel as LogLevel);
  logger.setLogLevels(LEVELS.slice(0, level < 0 ? 4 : level + 1));

  // Nest's HttpsOptions type leaves maxHeaderSize out, but hands every option to https.createServer.
  const httpsOptions = { key: credentials.pki.keyPem, cert: credentials.pki.certPem, maxHeaderSize: MAX_HEADER_BYTES };
  const app = await NestFactory.create(GatewayModule.forRoot(config), {
    logger,
    bodyParser: false, // bodies are read per media type (JSON, YAML, patches, protobuf), see http/raw-body.ts
    httpsOptions,
    forceCloseConnections: true, // open watches must not hold up a shutdown
  });
  const express = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  express.disable('x-powered-by');
  app.use(app.get(RequestLogMiddleware).handle);
  app.use(app.get(AuthenticateMiddleware).handle);
  app.useGlobalFilters(new KubeErrorFilter());
  answerClientErrors(app.getHttpServer());
  exitGracefullyOnSignals(app, logger);
  await app.listen(config.httpPort, config.host);
  logger.log(`api-gateway ready: https://${config.host}:${config.httpPort} (kubeconfig ${credentials.kubeconfig}), NATS prefix ${config.natsPrefix}`);
}

void main();

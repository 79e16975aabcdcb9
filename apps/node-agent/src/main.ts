// A hybrid app without a database: HTTP for ops, a JetStream consumer of its own (`node-agent-<AGENT_ID>`)
// for the pod events of its nodes.
import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamServer } from '@everynode/messaging';
import { checkNats, exitGracefullyOnSignals, Readiness } from '@everynode/platform';
import { loadAgentConfig } from './config/agent-config';
import { NodeAgentModule } from './node-agent.module';
import { PodResync } from './pods/pod-resync';

async function main() {
  const logger = new ConsoleLogger('node-agent', { json: true });
  let config;
  try {
    config = loadAgentConfig();
    await checkNats(config.natsUrl);
  } catch (e) {
    logger.fatal((e as Error).message);
    process.exit(78);
  }
  const app = await NestFactory.create(NodeAgentModule.forRoot(config), { logger });
  const transport = new JetStreamServer({
    servers: config.natsUrl,
    prefix: config.natsPrefix,
    durable: `node-agent-${config.agentId}`,
    // A new agent learns its pods from the list at start; its consumer needs only what comes after.
    deliverPolicy: 'new',
    batchSize: 1000,
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  exitGracefullyOnSignals(app, logger);
  app.get(Readiness).register('consumer', async () => {
    await transport.unwrap<NatsConnection>().flush();
    return true;
  });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.httpPort, '0.0.0.0');
  void app.get(PodResync).start();
  logger.log(`node-agent ${config.agentId} simulating ${config.nodes.length} nodes; http://127.0.0.1:${config.httpPort}/readyz`);
}

void main();

import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { checkNats } from '@everynode/platform';
import { loadAgentConfig } from './config/agent-config';
import { NodeAgentModule } from './node-agent.module';

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
  app.enableShutdownHooks();
  await app.listen(config.httpPort, '0.0.0.0');
  logger.log(`node-agent simulating ${config.nodes.length} nodes; http://127.0.0.1:${config.httpPort}/readyz`);
}

void main();

// SIGTERM (or SIGINT) stops a service gracefully and it exits 0: in-flight commands and the event handler
// call in progress finish, unprocessed deliveries go back to JetStream. Nest's default re-raises the signal
// after closing (exit status 143); a stop that hangs is cut short so an orchestrator sees a failure, not a hang.
import type { INestApplicationContext, Logger, LoggerService } from '@nestjs/common';

export function exitGracefullyOnSignals(app: INestApplicationContext, logger: Logger | LoggerService, graceMs = 10_000): void {
  app.enableShutdownHooks([], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`shutdown did not finish within ${graceMs} ms after ${signal}; exiting`);
        process.exit(1);
      }, graceMs).unref();
    });
  }
}

import 'reflect-metadata';
import { runService } from '@everynode/platform';
import { SchedulerModule } from './scheduler.module';

void runService({
  service: 'scheduler',
  module: (config) => SchedulerModule.forRoot(config),
  // A new scheduler reads the log itself (full resync), so its consumer needs only what comes after.
  consumer: { batchSize: 1000, deliverPolicy: 'new' },
});

import { Global, Module } from '@nestjs/common';
import { MetricsRegistry } from './metrics.registry';
import { OpsController } from './ops.controller';
import { Readiness } from './readiness';

@Global()
@Module({
  controllers: [OpsController],
  providers: [{ provide: MetricsRegistry, useFactory: () => new MetricsRegistry() }, Readiness],
  exports: [MetricsRegistry, Readiness],
})
export class OpsModule {}

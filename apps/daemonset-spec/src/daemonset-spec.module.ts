import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { ApplyDaemonSetHandler } from './apply-daemonset/apply-daemonset.handler';
import { DaemonSetWriter } from './daemonset-writer';
import { DeleteDaemonSetHandler } from './delete-daemonset/delete-daemonset.handler';
import { NamespaceHandler } from './namespaces/namespace.handler';
import { NamespaceProjection } from './namespaces/namespace.projection';
import { DaemonSetProjection } from './projection/daemonset.projection';
import { DaemonSetQueries } from './queries/daemonset.queries';

@Module({})
export class DaemonSetSpecModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: DaemonSetSpecModule,
      imports: [ServiceCoreModule.forRoot(config)],
      controllers: [ApplyDaemonSetHandler, DeleteDaemonSetHandler, DaemonSetQueries, NamespaceHandler],
      providers: [DaemonSetProjection, DaemonSetWriter, NamespaceProjection],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { AppendSequencer } from './cluster/append-sequencer';
import { ClusterCache } from './cluster/cluster.cache';
import { DeletePodHandler } from './delete-pod/delete-pod.handler';
import { PodStatusWriter } from './pod-status/pod-status.writer';
import { ReportPodStatusHandler } from './pod-status/report-pod-status.handler';
import { PodQueries } from './queries/pod.queries';
import { ReconcileLoop } from './reconcile/reconcile.loop';
import { EventTrigger } from './triggers/event.trigger';
import { LogTrigger } from './triggers/log.trigger';

@Module({})
export class SchedulerModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [ServiceCoreModule.forRoot(config)],
      controllers: [EventTrigger, PodQueries, ReportPodStatusHandler, DeletePodHandler],
      providers: [ClusterCache, AppendSequencer, ReconcileLoop, PodStatusWriter, LogTrigger],
    };
  }
}

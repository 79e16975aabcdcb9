import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@everynode/platform';
import type { ServiceConfig } from '@everynode/platform';
import { HeartbeatHandler } from './heartbeat/heartbeat.handler';
import { LeaseMonitor } from './heartbeat/lease.monitor';
import { LeaseTable } from './heartbeat/lease.table';
import { JoinNodeHandler } from './join-node/join-node.handler';
import { LeaveNodeHandler } from './leave-node/leave-node.handler';
import { NodeCommandQueue } from './node-command.queue';
import { NodeWriter } from './node-writer';
import { NodeProjection } from './projection/node.projection';
import { NodeQueries } from './queries/node.queries';
import { UpdateNodeHandler } from './update-node/update-node.handler';

@Module({})
export class NodeRegistryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: NodeRegistryModule,
      imports: [ServiceCoreModule.forRoot(config)],
      controllers: [JoinNodeHandler, UpdateNodeHandler, LeaveNodeHandler, HeartbeatHandler, NodeQueries],
      providers: [NodeProjection, NodeWriter, NodeCommandQueue, LeaseTable, LeaseMonitor],
    };
  }
}

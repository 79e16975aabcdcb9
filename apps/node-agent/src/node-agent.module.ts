import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { JetStreamClient } from '@everynode/messaging';
import { OpsModule } from '@everynode/platform';
import type { AgentConfig } from './config/agent-config';
import { AGENT_CONFIG, SimulatedKubelets } from './kubelet/simulated-kubelets';
import { ImageFailures } from './pods/image-failures';
import { PodAssignmentsHandler } from './pods/pod-assignments.handler';
import { PodResync } from './pods/pod-resync';
import { PodRuntime } from './pods/pod-runtime';

@Module({})
export class NodeAgentModule implements OnApplicationShutdown {
  constructor(@Inject(JetStreamClient) private readonly client: JetStreamClient) {}

  static forRoot(config: AgentConfig): DynamicModule {
    return {
      module: NodeAgentModule,
      imports: [OpsModule],
      controllers: [PodAssignmentsHandler],
      providers: [
        { provide: AGENT_CONFIG, useValue: config },
        { provide: JetStreamClient, useFactory: () => new JetStreamClient({ servers: config.natsUrl, prefix: config.natsPrefix }) },
        SimulatedKubelets,
        ImageFailures,
        PodRuntime,
        PodResync,
      ],
    };
  }

  async onApplicationShutdown() {
    await this.client.close();
  }
}

import 'reflect-metadata';
import { runService } from '@everynode/platform';
import { DaemonSetSpecModule } from './daemonset-spec.module';

void runService({ service: 'daemonset-spec', module: (config) => DaemonSetSpecModule.forRoot(config) });

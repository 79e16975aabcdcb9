import 'reflect-metadata';
import { runService } from '@everynode/platform';
import { NodeRegistryModule } from './node-registry.module';

void runService({ service: 'node-registry', module: (config) => NodeRegistryModule.forRoot(config) });

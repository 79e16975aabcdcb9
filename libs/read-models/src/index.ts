export * from './node.read-model';
export * from './daemonset.read-model';
export * from './namespace.read-model';
export * from './pod.read-model';
export * from './cluster.read-model';
export * from './sorted-keys';

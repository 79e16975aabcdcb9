export * from './k8s/objects';
export * from './events/envelope';
export * from './events/catalog';
export * from './events/streams';
export * from './events/pod-batches';
export * from './commands/commands';
export * from './k8s/status';
export * from './k8s/names';

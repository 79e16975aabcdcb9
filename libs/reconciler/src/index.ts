export * from './state';
export * from './placement';
export * from './reconcile';
export * from './status';
export * from './evolve';
export { allowsSurge, rolloutBudget } from './update-strategy';
export type { RolloutBudget } from './update-strategy';
export { podIndex } from './pod-index';
export type { PodIndex } from './pod-index';

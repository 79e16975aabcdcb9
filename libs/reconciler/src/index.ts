export * from './state';
export * from './placement';
export * from './reconcile';
export * from './status';
export * from './evolve';
export { isAvailable, isReady, isTerminal, backoffDelayMs } from './availability';
export { rolloutBudget, allowsSurge } from './update-strategy';

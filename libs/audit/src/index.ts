export * from './integrity';
export * from './invariants';
export * from './log-reader';
export * from './history';
export * from './replay';

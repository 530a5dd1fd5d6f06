export * from './message-queue';
export * from './message-const';
export * from './message-properties';
export * from './host-address';
export * from './message';
export * from './compression';
export * from './message-decoder';
export * from './message-batch';

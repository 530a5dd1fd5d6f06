export * from './message-queue';
export * from './message-const';
export * from './message-properties';

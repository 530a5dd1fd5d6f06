export * from './message-queue';
export * from './message-const';

export * from './message-queue';

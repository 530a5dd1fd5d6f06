export * from './rocketmq-testing.module';
export * from './wait-for-listeners';

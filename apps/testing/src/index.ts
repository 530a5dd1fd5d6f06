export * from './rocketmq-testing.module';

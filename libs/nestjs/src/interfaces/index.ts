export * from './rocketmq-listener.interface';
export * from './rocketmq-transaction-listener.interface';

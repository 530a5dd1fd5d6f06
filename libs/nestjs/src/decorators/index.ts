export * from './rocketmq-message-listener.decorator';
export * from './rocketmq-transaction-listener.decorator';
export * from './inject-rocketmq-template.decorator';

export * from './protocol/request-code';
export * from './protocol/response-code';
export * from './protocol/language-code';
export * from './protocol/mq-version';
export * from './errors/rocketmq-error';

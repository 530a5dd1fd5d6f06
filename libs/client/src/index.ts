export * from './consumer/consumer-enums';
export * from './consumer/rebalance';
export * from './producer/send-result';
export * from './producer/message-queue-selector';
export * from './producer/latency/latency-fault-tolerance';

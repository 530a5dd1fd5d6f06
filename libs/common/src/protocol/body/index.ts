// Only the useful part of the shared plumbing is public; the field readers stay internal.
export {
  encodeBody as encodeJsonBody,
  getByMessageQueue,
  messageQueueJson as messageQueueToJson,
  parseBody as parseJsonBody,
  toMessageQueue as messageQueueFromJson,
  type BodyEncodeOptions,
} from './body-json';
export * from './perm-name';
export * from './data-version';
export * from './topic-config';
export * from './register-broker-body';
export * from './route-data';
export * from './heartbeat-data';
export * from './lock-batch-body';
export * from './connection-bodies';
export * from './offset-tables';
export * from './subscription-group-config';
export * from './simple-bodies';
export * from './delay-offset';
export * from './assignment-bodies';
export * from './batch-ack-body';
export * from './broker-stats-data';

export * from './remoting-command';
export * from './frame-decoder';
export type { RemotingChannel, RequestProcessor } from './remoting-connection';
export { exceptionSimpleDesc, type ProcessorOptions } from './request-dispatcher';
export * from './remoting-server';
export * from './remoting-client';
export * from './semaphore';

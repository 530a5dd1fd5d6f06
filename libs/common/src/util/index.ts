export * from './java-hash';
export * from './startup-args';

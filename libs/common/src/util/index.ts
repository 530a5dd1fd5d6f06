export * from './java-hash';
export * from './startup-args';
export * from './validators';
export * from './delay-level';
export * from './filter-api';
export * from './periodic-task';

export * from './namesrv-config';
export * from './namesrv-controller';
export * from './route-info-manager';
export * from './kv-config-manager';
export * from './route-data';

export * from './bootstrap';
export * from './namesrv-startup';
export * from './namesrv-app.module';
export * from './namesrv-host.service';
export * from './health.controller';

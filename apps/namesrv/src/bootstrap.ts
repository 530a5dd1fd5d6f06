import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NamesrvAppModule } from './namesrv-app.module';
import { NamesrvHostService } from './namesrv-host.service';
import type { NamesrvStartup } from './namesrv-startup';

export interface RunningNamesrv {
  app: INestApplicationContext;
  host: NamesrvHostService;
  /** Bound HTTP port of GET /health, or undefined when disabled. */
  healthPort?: number;
}

/** Builds the Nest app around the name server and starts it (remoting port and, unless disabled, GET /health). */
export async function bootstrapNamesrv(
  startup: NamesrvStartup,
  opts: { shutdownHooks?: boolean } = {},
): Promise<RunningNamesrv> {
  const withHealth = startup.healthPort >= 0;
  const module = NamesrvAppModule.forRoot(startup.config, withHealth);
  const logger = ['error', 'warn'] as ('error' | 'warn')[];
  if (!withHealth) {
    const app = await NestFactory.createApplicationContext(module, { logger });
    if (opts.shutdownHooks) app.enableShutdownHooks();
    return { app, host: app.get(NamesrvHostService) };
  }
  const app = await NestFactory.create(module, { logger });
  if (opts.shutdownHooks) app.enableShutdownHooks();
  await app.listen(startup.healthPort, startup.healthHost);
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, host: app.get(NamesrvHostService), healthPort: address.port };
}

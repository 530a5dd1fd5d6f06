import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { NamesrvController, type NamesrvConfig } from '@rocketnest/namesrv';

export const NAMESRV_CONFIG = Symbol('NAMESRV_CONFIG');

/** Owns the `NamesrvController`: starts it with the Nest app, shuts it down with it. */
@Injectable()
export class NamesrvHostService implements OnModuleInit, OnApplicationShutdown {
  readonly controller: NamesrvController;

  constructor(@Inject(NAMESRV_CONFIG) config: Partial<NamesrvConfig>) {
    this.controller = new NamesrvController(config);
  }

  async onModuleInit(): Promise<void> {
    await this.controller.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.controller.shutdown();
  }
}

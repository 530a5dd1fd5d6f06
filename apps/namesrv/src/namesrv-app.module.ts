import { Module, type DynamicModule } from '@nestjs/common';
import type { NamesrvConfig } from '@rocketnest/namesrv';
import { HealthController } from './health.controller';
import { NAMESRV_CONFIG, NamesrvHostService } from './namesrv-host.service';

@Module({})
export class NamesrvAppModule {
  static forRoot(config: Partial<NamesrvConfig>, withHealth: boolean): DynamicModule {
    return {
      module: NamesrvAppModule,
      controllers: withHealth ? [HealthController] : [],
      providers: [{ provide: NAMESRV_CONFIG, useValue: config }, NamesrvHostService],
      exports: [NamesrvHostService],
    };
  }
}

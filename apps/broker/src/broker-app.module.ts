import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  ServiceUnavailableException,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BrokerController, type BrokerConfig, type BrokerControllerOptions } from '@rocketnest/broker';

/** Starts the broker when the Nest application boots and shuts it down (persisting everything) when it closes. */
@Injectable()
export class BrokerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(BrokerController) private readonly broker: BrokerController) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker.shutdown();
  }
}

/** `GET /health`: 200 `{"status":"UP",...}` while the broker serves, 503 `{"status":"DOWN",...}` otherwise. */
@Controller()
export class BrokerHealthController {
  constructor(@Inject(BrokerController) private readonly broker: BrokerController) {}

  @Get('health')
  health(): Record<string, unknown> {
    const cfg = this.broker.brokerConfig;
    const details = {
      broker: {
        cluster: cfg.brokerClusterName,
        name: cfg.brokerName,
        id: cfg.brokerId,
        addr: this.broker.brokerAddr,
        namesrvAddr: cfg.namesrvAddr,
      },
    };
    if (!this.broker.isRunning()) throw new ServiceUnavailableException({ status: 'DOWN', ...details });
    return { status: 'UP', ...details };
  }
}

/** The Nest host of one broker (apps/broker). */
@Module({})
export class BrokerAppModule {
  static forConfig(
    config: Partial<BrokerConfig> & { storePathRootDir: string },
    options: BrokerControllerOptions = {},
  ): DynamicModule {
    return {
      module: BrokerAppModule,
      controllers: [BrokerHealthController],
      providers: [
        { provide: BrokerController, useFactory: () => new BrokerController(config, options) },
        BrokerLifecycle,
      ],
      exports: [BrokerController],
    };
  }
}

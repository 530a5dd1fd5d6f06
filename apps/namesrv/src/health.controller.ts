import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { NamesrvHostService } from './namesrv-host.service';

export interface NamesrvHealth {
  status: 'ok';
  port: number;
  brokers: number;
  topics: number;
  connections: number;
}

@Controller()
export class HealthController {
  constructor(private readonly host: NamesrvHostService) {}

  /** 200 with route-table counts while the name server listens; 503 otherwise. */
  @Get('health')
  health(): NamesrvHealth {
    const c = this.host.controller;
    if (c.port === 0) throw new HttpException({ status: 'down' }, HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: 'ok',
      port: c.port,
      brokers: c.routeInfoManager.brokerLiveTable.size,
      topics: c.routeInfoManager.topicQueueTable.size,
      connections: c.remotingServer.channels.length,
    };
  }
}

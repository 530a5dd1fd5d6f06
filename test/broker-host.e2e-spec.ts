import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { BrokerController, silentLogger } from '@rocketnest/broker';
import { BrokerAppModule } from '../apps/broker/src/broker-app.module';

describe('apps/broker Nest host', () => {
  let root: string;
  let app: INestApplication;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-host-'));
  });
  afterEach(async () => {
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('starts the broker with the app, serves GET /health, and shuts the broker down on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        BrokerAppModule.forConfig(
          { storePathRootDir: root, listenPort: 0, brokerIP1: '127.0.0.1', bindAddress: '127.0.0.1' },
          { logger: silentLogger },
        ),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const broker = app.get(BrokerController);
    expect(broker.isRunning()).toBe(true);
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'UP', broker: { name: 'broker-a', addr: broker.brokerAddr } });
    await app.close();
    expect(broker.isRunning()).toBe(false);
    expect(fs.existsSync(path.join(root, 'config', 'consumerOffset.json'))).toBe(true);
  });
});

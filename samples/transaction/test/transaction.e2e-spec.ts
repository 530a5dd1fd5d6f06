import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import request from 'supertest';
import { waitFor } from '../../../test/utils/wait-for';
import { AppModule } from '../src/app.module';
import { TRANSFERS_TOPIC } from '../src/transfer';

describe('transaction sample', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQTestingModule.forRoot({ brokerConfig: TRANSACTION_CHECK_FAST, topics: [TRANSFERS_TOPIC] }),
        AppModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    await waitForRocketMQListeners(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const announcedIds = async (): Promise<string[]> => {
    const res = await request(app.getHttpServer()).get('/transfers/announced').expect(200);
    return (res.body as Array<{ id: string }>).map((t) => t.id);
  };

  it('delivers a committed transfer and never a rolled-back one', async () => {
    const rolledBack = await request(app.getHttpServer())
      .post('/transfers')
      .send({ id: 'tx-rollback', amount: 5, outcome: 'rollback' })
      .expect(201);
    expect(rolledBack.body.state).toBe('ROLLBACK_MESSAGE');
    const committed = await request(app.getHttpServer())
      .post('/transfers')
      .send({ id: 'tx-commit', amount: 10, outcome: 'commit' })
      .expect(201);
    expect(committed.body.state).toBe('COMMIT_MESSAGE');

    await waitFor(async () => (await announcedIds()).includes('tx-commit'), { timeoutMs: 15000, intervalMs: 100 });
    expect(await announcedIds()).not.toContain('tx-rollback');
  });

  it('commits an UNKNOWN transaction when the broker checks back', async () => {
    const res = await request(app.getHttpServer())
      .post('/transfers')
      .send({ id: 'tx-unknown', amount: 1, outcome: 'unknown' })
      .expect(201);
    expect(res.body.state).toBe('UNKNOW');
    await waitFor(async () => (await announcedIds()).includes('tx-unknown'), { timeoutMs: 20000, intervalMs: 200 });
    const checks = await request(app.getHttpServer()).get('/transfers/checks').expect(200);
    expect(checks.body['tx-unknown']).toBeGreaterThanOrEqual(1);
  });
});

/** Broker timers for check-backs within a second or two instead of 30–60 s. */
const TRANSACTION_CHECK_FAST = { transactionCheckInterval: 500, transactionTimeOut: 500 };

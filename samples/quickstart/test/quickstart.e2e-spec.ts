import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import request from 'supertest';
import { waitFor } from '../../../test/utils/wait-for';
import { AppModule } from '../src/app.module';

describe('quickstart sample', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQTestingModule.forRoot({ topics: ['quickstart-greetings'] }), AppModule],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    await waitForRocketMQListeners(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('POST /greetings sends through RocketMQ and GET /greetings shows what the listener consumed', async () => {
    const sent = await request(app.getHttpServer()).post('/greetings').send({ text: 'hello rocket' }).expect(201);
    expect(sent.body.status).toBe('SEND_OK');
    expect(sent.body.msgId).toMatch(/^[0-9A-F]{32}$/);

    const consumed = await waitFor(
      async () => {
        const res = await request(app.getHttpServer()).get('/greetings').expect(200);
        return res.body.length > 0 ? (res.body as unknown[]) : undefined;
      },
      { timeoutMs: 15000, intervalMs: 100, message: 'the listener never got the greeting' },
    );
    expect(consumed).toEqual([{ text: 'hello rocket' }]);
  });

  it('rejects an invalid greeting at the HTTP edge', async () => {
    await request(app.getHttpServer()).post('/greetings').send({ text: '' }).expect(400);
  });
});

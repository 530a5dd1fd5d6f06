import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { QUOTE_REQUESTS_TOPIC } from '../src/quote';

describe('request-reply sample', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQTestingModule.forRoot({ topics: [QUOTE_REQUESTS_TOPIC] }), AppModule],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    await waitForRocketMQListeners(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('GET /quotes/:symbol answers with the reply listener’s typed quote', async () => {
    const res = await request(app.getHttpServer()).get('/quotes/ACME').expect(200);
    expect(res.body).toEqual({ symbol: 'ACME', price: 27.8, by: 'request-reply-quote-service', text: 'ACME @ 27.80' });
    const again = await request(app.getHttpServer()).get('/quotes/XY').expect(200);
    expect(again.body.price).toBe(17.7);
  });
});

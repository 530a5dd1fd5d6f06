import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import request from 'supertest';
import { waitFor } from '../../../test/utils/wait-for';
import { AppModule } from '../src/app.module';
import { ORDER_STEPS_TOPIC } from '../src/order-step';

describe('orderly sample', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQTestingModule.forRoot({ topics: [ORDER_STEPS_TOPIC] }), AppModule],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    await waitForRocketMQListeners(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps each order’s steps in sequence, with orders sent concurrently', async () => {
    const steps = ['created', 'paid', 'picked', 'packed', 'shipped', 'delivered'];
    const orders = ['A-1', 'B-2', 'C-3', 'D-4'];
    const sent = await Promise.all(
      orders.map((id) => request(app.getHttpServer()).post(`/orders/${id}/steps`).send({ steps }).expect(201)),
    );
    for (const res of sent) {
      // one order, one queue
      expect(new Set(res.body.queueIds).size).toBe(1);
    }
    for (const id of orders) {
      const got = await waitFor(
        async () => {
          const res = await request(app.getHttpServer()).get(`/orders/${id}/steps`).expect(200);
          return res.body.length === steps.length ? (res.body as Array<{ step: string; seq: number }>) : undefined;
        },
        { timeoutMs: 15000, intervalMs: 100, message: `order ${id} did not complete` },
      );
      expect(got.map((s: { step: string }) => s.step)).toEqual(steps);
      expect(got.map((s: { seq: number }) => s.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });
});

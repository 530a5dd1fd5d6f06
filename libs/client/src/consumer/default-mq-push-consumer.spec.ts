import { MQClientError, MessageExt, encodeMessageRecord } from '@rocketnest/common';
import { ConsumeConcurrentlyStatus } from './consumer-enums';
import { DefaultMQPushConsumer } from './default-mq-push-consumer';

function record(body: string): Buffer {
  const m = new MessageExt({
    topic: 'T',
    body: Buffer.from(body),
    queueId: 1,
    queueOffset: 7,
    commitLogOffset: 100,
    bornHost: { address: '127.0.0.1', port: 1 },
    storeHost: { address: '127.0.0.1', port: 10911 },
  });
  m.putProperty('UNIQ_KEY', 'C0000202000000000000000000000001');
  return encodeMessageRecord(m);
}

describe('DefaultMQPushConsumer without a broker', () => {
  it('refuses to start without a listener or a subscription, with a hint', async () => {
    const noListener = new DefaultMQPushConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:1' });
    noListener.subscribe('T');
    await expect(noListener.start()).rejects.toThrow(/registerMessageListener/);
    const noSub = new DefaultMQPushConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:1' });
    noSub.registerMessageListener({ consumeMessage: () => ConsumeConcurrentlyStatus.CONSUME_SUCCESS });
    await expect(noSub.start()).rejects.toBeInstanceOf(MQClientError);
  });

  it('rejects invalid topic names when subscribing', () => {
    const c = new DefaultMQPushConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:1' });
    expect(() => c.subscribe('bad topic')).toThrow(MQClientError);
  });

  it('answers CONSUME_MESSAGE_DIRECTLY with the listener result', async () => {
    const c = new DefaultMQPushConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:1' });
    const seen: string[] = [];
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        const body = msgs[0]!.body.toString();
        seen.push(`${body}:${msgs[0]!.msgId}`);
        if (body === 'boom') throw new Error('listener failed');
        return body === 'later' ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    expect(await c.consumeMessageDirectly(record('ok'))).toMatchObject({ consumeResult: 'CR_SUCCESS', order: false });
    expect(await c.consumeMessageDirectly(record('later'))).toMatchObject({ consumeResult: 'CR_LATER' });
    expect(await c.consumeMessageDirectly(record('boom'))).toMatchObject({
      consumeResult: 'CR_THROW_EXCEPTION',
      remark: 'listener failed',
    });
    expect(seen).toEqual([
      'ok:C0000202000000000000000000000001',
      'later:C0000202000000000000000000000001',
      'boom:C0000202000000000000000000000001',
    ]);
  });
});

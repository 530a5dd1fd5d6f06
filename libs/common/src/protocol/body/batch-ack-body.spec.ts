import {
  bitSetFromBytes,
  bitSetToBytes,
  decodeBatchAckMessageRequestBody,
  encodeBatchAckMessageRequestBody,
} from './batch-ack-body';
import { RemotingCommandError } from '../../errors/rocketmq-error';

describe('BatchAckMessageRequestBody', () => {
  it('writes the bit set as Java BitSet.toByteArray() in base64', () => {
    // BitSet {0, 1, 9}.toByteArray() = [0x03, 0x02]
    expect(bitSetToBytes([0, 1, 9])).toEqual(Buffer.from([0x03, 0x02]));
    expect(bitSetFromBytes(Buffer.from([0x03, 0x02]))).toEqual([0, 1, 9]);
    expect(bitSetToBytes([])).toHaveLength(0);
    const body = encodeBatchAckMessageRequestBody({
      brokerName: 'broker-a',
      acks: [
        {
          consumerGroup: 'G',
          topic: 'T',
          retry: '0',
          startOffset: 10,
          queueId: 1,
          reviveQueueId: 3,
          popTime: 1700000000000,
          invisibleTime: 60000,
          ackedIndexes: [0, 1, 9],
        },
      ],
    });
    expect(body.toString()).toBe(
      '{"acks":[{"b":"AwI=","c":"G","it":60000,"pt":1700000000000,"q":1,"r":"0","rq":3,"so":10,"t":"T"}],"brokerName":"broker-a"}',
    );
    expect(decodeBatchAckMessageRequestBody(body).acks[0]).toMatchObject({ startOffset: 10, ackedIndexes: [0, 1, 9] });
  });

  it('accepts the long key names and a byte array', () => {
    const decoded = decodeBatchAckMessageRequestBody(
      '{"brokerName":"b","acks":[{"consumerGroup":"G","topic":"T","retry":"1","startOffset":5,"queueId":0,' +
        '"reviveQueueId":0,"popTime":1,"invisibleTime":2,"bitSet":[4]}]}',
    );
    expect(decoded.acks[0]).toEqual({
      consumerGroup: 'G',
      topic: 'T',
      retry: '1',
      startOffset: 5,
      queueId: 0,
      reviveQueueId: 0,
      popTime: 1,
      invisibleTime: 2,
      ackedIndexes: [2],
    });
  });

  it('rejects a malformed body with a typed error', () => {
    expect(() => decodeBatchAckMessageRequestBody('{"acks":[{"b":{}}]}')).toThrow('expected a base64 string');
    expect(() => decodeBatchAckMessageRequestBody('[1')).toThrow(RemotingCommandError);
  });
});

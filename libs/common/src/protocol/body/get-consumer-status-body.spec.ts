import { decodeGetConsumerStatusBody, encodeGetConsumerStatusBody, type GetConsumerStatusBody } from './offset-tables';

describe('GetConsumerStatusBody', () => {
  const mq0 = { topic: 'T', brokerName: 'b', queueId: 0 };
  const mq1 = { topic: 'T', brokerName: 'b', queueId: 1 };
  const body: GetConsumerStatusBody = {
    messageQueueTable: new Map(),
    consumerTable: new Map([
      [
        '127.0.0.1@c1',
        new Map([
          [mq0, 5],
          [mq1, 7],
        ]),
      ],
    ]),
  };

  it('writes what a Java broker writes (fastjson: raw MessageQueue keys) and reads it back', () => {
    const text = encodeGetConsumerStatusBody(body, { style: 'fastjson' }).toString('utf8');
    expect(text).toBe(
      '{"consumerTable":{"127.0.0.1@c1":{{"brokerName":"b","queueId":0,"topic":"T"}:5,' +
        '{"brokerName":"b","queueId":1,"topic":"T"}:7}},"messageQueueTable":{}}',
    );
    expect(decodeGetConsumerStatusBody(text)).toEqual(body);
  });

  it('reads the standard style and a client answer (messageQueueTable only)', () => {
    expect(decodeGetConsumerStatusBody(encodeGetConsumerStatusBody(body))).toEqual(body);
    const client = decodeGetConsumerStatusBody(
      '{"consumerTable":{},"messageQueueTable":{{"brokerName":"b","queueId":1,"topic":"T"}:3}}',
    );
    expect(client.consumerTable.size).toBe(0);
    expect([...client.messageQueueTable]).toEqual([[mq1, 3]]);
  });

  it('rejects a malformed table with a typed error', () => {
    expect(() => decodeGetConsumerStatusBody('{"consumerTable":{"c":{"x":1}}}')).toThrow(/GetConsumerStatusBody/);
    expect(() => decodeGetConsumerStatusBody('')).toThrow(/Empty body/);
  });
});

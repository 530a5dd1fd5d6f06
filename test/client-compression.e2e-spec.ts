import type { EmbeddedRocketMQ } from '@rocketnest/broker';
import { CompressionType, Message, MessageSysFlag, type CompressionTypeName } from '@rocketnest/common';
import { DefaultMQProducer } from '@rocketnest/client';
import { FAST, createTopic, readAll, startCluster, unique } from './client-helpers';

const body = (n: number, seed: string): Buffer => {
  const line = `${seed}: the quick brown fox jumps over the lazy dog 0123456789 Zürich ✓\n`;
  return Buffer.from(line.repeat(Math.ceil(n / Buffer.byteLength(line)))).subarray(0, n);
};

describe('body compression through the embedded broker (producer compressType → consumer)', () => {
  let cluster: EmbeddedRocketMQ;

  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster.shutdown();
  });

  it.each<CompressionTypeName>(['LZ4', 'ZSTD', 'ZLIB'])(
    'sends %s-compressed bodies that the consumer receives intact',
    async (type) => {
      const topic = unique(`Tc_${type}`);
      await createTopic(cluster.namesrvAddr, topic, 2);
      const producer = new DefaultMQProducer({
        ...FAST,
        namesrvAddr: cluster.namesrvAddr,
        producerGroup: unique('cz_pg'),
        instanceName: unique('cz_p'),
        compressType: type,
        compressLevel: type === 'ZSTD' ? 3 : 5,
      });
      await producer.start();
      const sent = new Map<string, Buffer>([
        ['big', body(200_000, `${type} big`)],
        ['threshold', body(4096, `${type} at the threshold`)],
        ['small', body(4095, `${type} just under`)],
      ]);
      try {
        for (const [key, b] of sent) await producer.send(new Message(topic, b, { keys: [key] }));
      } finally {
        await producer.shutdown();
      }

      const got = await readAll(cluster.namesrvAddr, topic, sent.size);
      expect(got).toHaveLength(sent.size);
      for (const msg of got) {
        const key = msg.keys ?? '';
        const original = sent.get(key)!;
        expect({ key, same: msg.body.equals(original) }).toEqual({ key, same: true });
        // The consumer clears COMPRESSED_FLAG and keeps the type bits, as Java's MessageDecoder does.
        expect(msg.sysFlag & MessageSysFlag.COMPRESSED_FLAG).toBe(0);
        const typeBits = (msg.sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8;
        expect({ key, typeBits }).toEqual({ key, typeBits: key === 'small' ? 0 : CompressionType[type] });
        // The broker stored the compressed bytes: the record is much smaller than the body.
        if (key === 'big') expect(msg.storeSize).toBeLessThan(original.length / 5);
      }
    },
  );

  it('rejects an unknown compressType when the producer is created', () => {
    expect(
      () =>
        new DefaultMQProducer({
          namesrvAddr: cluster.namesrvAddr,
          producerGroup: unique('cz_bad'),
          compressType: 'SNAPPY' as CompressionTypeName,
        }),
    ).toThrow(/Unsupported compress type name: "SNAPPY"/);
  });
});

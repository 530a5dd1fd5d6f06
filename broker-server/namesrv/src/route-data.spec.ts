import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { RemotingCommandError } from '@rocketnest/common';
import { crc32Java } from './crc32';
import { decodeQueueDatas, decodeRegisterBrokerBody, encodeTopicRouteData, parseDataVersion } from './route-data';

interface Frame {
  code: number;
  kind: string;
  headerJson: { extFields?: Record<string, string> };
  bodyHex: string;
}

const WIRE = '/work/shared/fixtures/wire';
const registrations: Array<[string, Frame]> = readdirSync(WIRE).flatMap((v) =>
  (JSON.parse(readFileSync(join(WIRE, v, 'broker-registration.json'), 'utf8')) as Frame[])
    .filter((f) => f.code === 103 && f.kind !== 'response')
    .map((f, i): [string, Frame] => [`${v}#${i}`, f]),
);

describe('RegisterBrokerBody', () => {
  it('finds captured registrations of both versions', () => {
    expect(registrations.length).toBeGreaterThanOrEqual(12);
  });

  it.each(registrations)('decodes captured registration %s and its crc32 matches the header', (_name, f) => {
    const body = Buffer.from(f.bodyHex, 'hex');
    expect(crc32Java(body)).toBe(Number(f.headerJson.extFields!.bodyCrc32));
    const decoded = decodeRegisterBrokerBody(body, false);
    expect(decoded.topicConfigTable.size).toBeGreaterThan(0);
    expect(decoded.dataVersion.timestamp).toBeGreaterThan(1_700_000_000_000);
    for (const [name, tc] of decoded.topicConfigTable) {
      expect(tc.topicName).toBe(name);
      expect(tc.perm & ~0xf).toBe(0);
      expect(tc.readQueueNums).toBeGreaterThanOrEqual(0);
    }
  });

  it('reads the queue numbers of FxTopic from a full 5.2.0 registration', () => {
    const full = registrations
      .filter(([n]) => n.startsWith('5.2.0'))
      .map(([, f]) => f)
      .find((f) => f.bodyHex.length > 7000)!;
    const decoded = decodeRegisterBrokerBody(Buffer.from(full.bodyHex, 'hex'), false);
    expect(decoded.topicConfigTable.get('FxTopic')).toEqual({
      topicName: 'FxTopic',
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicSysFlag: 0,
      order: false,
    });
  });

  it('decodes the compressed form', () => {
    const block = (s: string): Buffer => {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const count = Buffer.alloc(4);
    count.writeInt32BE(2);
    const raw = Buffer.concat([
      block('{"counter":7,"stateVersion":0,"timestamp":1795307164018}'),
      count,
      block('T1 8 4 6 SINGLE_TAG'),
      block('T2 2 2 4 SINGLE_TAG {"+message.type":"NORMAL"}'),
      block('["10.0.0.1:1"]'),
    ]);
    const decoded = decodeRegisterBrokerBody(deflateSync(raw), true);
    expect(decoded.dataVersion).toEqual({ counter: 7, stateVersion: 0, timestamp: 1795307164018 });
    expect(decoded.topicConfigTable.get('T1')).toMatchObject({ readQueueNums: 8, writeQueueNums: 4, perm: 6 });
    expect(decoded.topicConfigTable.get('T2')).toMatchObject({ readQueueNums: 2, writeQueueNums: 2, perm: 4 });
    expect(decoded.filterServerList).toEqual(['10.0.0.1:1']);
  });

  it('treats an empty body as an empty table with DataVersion(0,0,0)', () => {
    expect(decodeRegisterBrokerBody(undefined, false)).toEqual({
      dataVersion: { counter: 0, stateVersion: 0, timestamp: 0 },
      topicConfigTable: new Map(),
      filterServerList: [],
    });
  });

  it('rejects broken bodies with RemotingCommandError', () => {
    expect(() => decodeRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":'), false)).toThrow(
      RemotingCommandError,
    );
    expect(() => decodeRegisterBrokerBody(Buffer.from('[1]'), false)).toThrow(RemotingCommandError);
    expect(() => decodeRegisterBrokerBody(Buffer.from('not zlib'), true)).toThrow(RemotingCommandError);
    expect(() => decodeRegisterBrokerBody(deflateSync(Buffer.from([0, 0, 0, 99])), true)).toThrow(RemotingCommandError);
    expect(() => parseDataVersion(Buffer.from('{"counter":"x"}'))).toThrow(RemotingCommandError);
  });
});

describe('TopicRouteData', () => {
  const route = {
    queueDatas: [{ brokerName: 'broker-é', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
    brokerDatas: [
      {
        cluster: 'C',
        brokerName: 'broker-é',
        brokerAddrs: new Map([
          [1, '127.0.0.1:10921'],
          [0, '127.0.0.1:10911'],
        ]),
        enableActingMaster: false,
      },
    ],
    filterServerTable: new Map<string, string[]>(),
  };

  it('writes standard JSON with quoted keys and escaped non-ASCII for new clients', () => {
    expect(encodeTopicRouteData(route, true).toString()).toBe(
      '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},"brokerName":"broker-\\u00E9","cluster":"C","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-\\u00E9","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
  });

  it('writes fastjson bare integer keys for old clients', () => {
    expect(encodeTopicRouteData(route, false).toString()).toContain(
      '"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}',
    );
  });

  it('reads queue datas from a REGISTER_TOPIC_IN_NAMESRV body', () => {
    const body = encodeTopicRouteData(route, false);
    expect(decodeQueueDatas(body)).toEqual(route.queueDatas);
  });
});

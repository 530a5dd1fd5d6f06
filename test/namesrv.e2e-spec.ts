import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQVersion, RequestCode, ResponseCode, parseJavaJson } from '@rocketnest/common';
import { NamesrvController } from '@rocketnest/namesrv';
import { RemotingClient, RemotingCommand, SerializeType } from '@rocketnest/remoting';
import { waitFor } from './utils/wait-for';

interface FixtureFrame {
  code: number;
  kind: string;
  serializeType: number;
  headerText?: string;
  headerHex?: string;
  bodyHex: string;
  bodyText?: string;
  requestCode?: number;
  link: string;
}

const WIRE = join(__dirname, 'fixtures/apache-rocketmq/wire');
const load = (version: string, file: string): FixtureFrame[] =>
  JSON.parse(readFileSync(join(WIRE, version, file), 'utf8')) as FixtureFrame[];

/** The captured request as a fresh command (new opaque, same header fields and body). */
function fixtureRequest(f: FixtureFrame): RemotingCommand {
  const header = f.serializeType === 1 ? Buffer.from(f.headerHex!, 'hex') : Buffer.from(f.headerText!, 'utf8');
  const body = Buffer.from(f.bodyHex, 'hex');
  const frame = Buffer.alloc(4 + header.length + body.length);
  frame.writeInt32BE((f.serializeType << 24) | header.length, 0);
  header.copy(frame, 4);
  body.copy(frame, 4 + header.length);
  const cmd = RemotingCommand.decode(frame);
  cmd.opaque = RemotingCommand.createRequest(0).opaque;
  cmd.flag = 0; // sync, even when the capture was oneway
  return cmd;
}

const reg520 = load('5.2.0', 'broker-registration.json');
/** 5.2.0 periodic full re-registration (carries FxTopic and the system topics). */
const fullRegistration = reg520.find((f) => f.code === 103 && f.kind === 'request' && f.bodyHex.length > 7000)!;
const route520 = load('5.2.0', 'route-json-format.json').filter((f) => f.kind === 'response');
const admin520 = load('5.2.0', 'admin.json');

describe('name server over real sockets', () => {
  let dir: string;
  let ns: NamesrvController;
  let broker: RemotingClient;
  let client: RemotingClient;

  async function startNamesrv(extra: ConstructorParameters<typeof NamesrvController>[0] = {}): Promise<void> {
    ns = new NamesrvController({
      listenPort: 0,
      host: '127.0.0.1',
      kvConfigPath: join(dir, 'kvConfig.json'),
      scanNotActiveBrokerIntervalMs: 50,
      ...extra,
    });
    await ns.start();
  }

  const ask = (code: number, ext?: Record<string, string | number | boolean>, body?: Buffer, version?: number) => {
    const req = RemotingCommand.createRequest(code, ext, body);
    if (version !== undefined) req.version = version;
    return client.invoke(ns.address, req, 3000);
  };

  async function registerFixtureBroker(): Promise<RemotingCommand> {
    return broker.invoke(ns.address, fixtureRequest(fullRegistration), 3000);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'namesrv-e2e-'));
    await startNamesrv();
    broker = new RemotingClient();
    broker.start();
    client = new RemotingClient();
    client.start();
  });

  afterEach(async () => {
    await broker.shutdown();
    await client.shutdown();
    await ns.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a broker from a captured REGISTER_BROKER and serves its routes in standard JSON, byte for byte', async () => {
    const res = await registerFixtureBroker();
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const route = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' }, undefined, MQVersion.V5_2_0);
    expect(route.code).toBe(ResponseCode.SUCCESS);
    // the 5.2.0 name server's answer to the version-453 request
    expect(route.body?.toString('utf8')).toBe(route520[0]!.bodyText);
    expect(route.body?.toString('utf8')).toContain('"brokerAddrs":{"0":"127.0.0.1:10931"}');
  });

  it('answers old clients (version < 401) with fastjson bare integer keys unless acceptStandardJsonOnly', async () => {
    await registerFixtureBroker();
    const old = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' }, undefined, 399);
    expect(old.body?.toString('utf8')).toBe(route520[1]!.bodyText);
    expect(old.body?.toString('utf8')).toContain('"brokerAddrs":{0:"127.0.0.1:10931"}');
    const asked = await ask(
      RequestCode.GET_ROUTEINFO_BY_TOPIC,
      { topic: 'FxTopic', acceptStandardJsonOnly: true },
      undefined,
      399,
    );
    expect(asked.body?.toString('utf8')).toBe(route520[0]!.bodyText);
  });

  it('answers TOPIC_NOT_EXIST for an unknown topic', async () => {
    await registerFixtureBroker();
    const res = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuchTopic' });
    expect(res.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(res.remark).toMatch(/^No topic route info in name server for the topic: NoSuchTopic\n/);
  });

  it('serves cluster info as the Java name server writes it and the topic list', async () => {
    await registerFixtureBroker();
    const info = await ask(RequestCode.GET_BROKER_CLUSTER_INFO);
    const javaInfo = admin520.find((f) => f.kind === 'response' && f.requestCode === 106)!;
    expect(info.body?.toString('utf8')).toBe(javaInfo.bodyText);
    const list = await ask(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    const topics = (parseJavaJson(list.body!) as { topicList: string[] }).topicList;
    expect(topics).toEqual(expect.arrayContaining(['FxTopic', 'TBW102', 'DefaultCluster', 'broker-a']));
    const byCluster = await ask(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' });
    expect((parseJavaJson(byCluster.body!) as { topicList: string[] }).topicList.sort()).toEqual([...topics].sort());
  });

  it("drops a broker's routes at once when its connection closes", async () => {
    await registerFixtureBroker();
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code).toBe(ResponseCode.SUCCESS);
    broker.closeChannel(ns.address);
    await waitFor(async () => (await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code === 17);
    const info = parseJavaJson((await ask(RequestCode.GET_BROKER_CLUSTER_INFO)).body!) as Record<string, object>;
    expect(info).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
  });

  it('scans out a broker that stops registering, and closes its connection', async () => {
    await ns.shutdown();
    await startNamesrv({ brokerChannelExpiredTimeMs: 300, scanNotActiveBrokerIntervalMs: 50 });
    const closed: string[] = [];
    broker.on('close', (addr: string) => closed.push(addr));
    await registerFixtureBroker();
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code).toBe(ResponseCode.SUCCESS);
    await waitFor(async () => (await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code === 17, {
      timeoutMs: 3000,
    });
    await waitFor(() => closed.length === 1);
    expect(ns.routeInfoManager.brokerLiveTable.size).toBe(0);
  });

  it('refreshes a broker on BROKER_HEARTBEAT and QUERY_DATA_VERSION', async () => {
    await registerFixtureBroker();
    const ext = { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10931', clusterName: 'DefaultCluster', brokerId: 0 };
    const live = (): number => [...ns.routeInfoManager.brokerLiveTable.values()][0]!.lastUpdateTimestamp;
    const registeredAt = live();
    await waitFor(() => Date.now() > registeredAt + 2);
    const hb = await broker.invoke(ns.address, RemotingCommand.createRequest(RequestCode.BROKER_HEARTBEAT, ext), 1000);
    expect(hb.code).toBe(0);
    const beatAt = live();
    expect(beatAt).toBeGreaterThan(registeredAt);
    await waitFor(() => Date.now() > beatAt + 2);
    const stored = ns.routeInfoManager.queryBrokerTopicConfig('DefaultCluster', '127.0.0.1:10931')!;
    const same = Buffer.from(JSON.stringify({ counter: stored.counter, stateVersion: 0, timestamp: stored.timestamp }));
    const q = await broker.invoke(
      ns.address,
      RemotingCommand.createRequest(RequestCode.QUERY_DATA_VERSION, ext, same),
      1000,
    );
    expect(q.extFields?.changed).toBe('false');
    expect((parseJavaJson(q.body!) as { counter: number }).counter).toBe(stored.counter);
    expect(live()).toBeGreaterThan(beatAt);
    const newer = Buffer.from(
      JSON.stringify({ counter: stored.counter + 1, stateVersion: 0, timestamp: stored.timestamp }),
    );
    const q2 = await broker.invoke(
      ns.address,
      RemotingCommand.createRequest(RequestCode.QUERY_DATA_VERSION, ext, newer),
      1000,
    );
    expect(q2.extFields?.changed).toBe('true');
  });

  it('unregisters a broker on UNREGISTER_BROKER', async () => {
    await registerFixtureBroker();
    const unreg = reg520.find((f) => f.code === 104)!;
    expect((await broker.invoke(ns.address, fixtureRequest(unreg), 3000)).code).toBe(0);
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code).toBe(17);
  });

  it('answers unknown codes and missing header fields, closes garbage peers, and keeps serving', async () => {
    await registerFixtureBroker();
    const unknown = await ask(9999);
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(unknown.remark).toBe(' request type 9999 not supported');
    const missing = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, {});
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toMatch(/the custom field <?topic>? is null/);
    const raw = net.connect({ host: '127.0.0.1', port: ns.port });
    const closed = new Promise((r) => raw.on('close', r));
    raw.on('error', () => undefined);
    raw.write(Buffer.from([0x00, 0x00, 0x00, 0x08, 0x7f, 0x00, 0x00, 0x04, 1, 2, 3, 4]));
    await closed;
    const route = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' });
    expect(route.code).toBe(ResponseCode.SUCCESS);
  });

  it('rejects a REGISTER_BROKER body whose crc32 does not match', async () => {
    const req = fixtureRequest(fullRegistration);
    req.setExtField('bodyCrc32', 12345);
    const res = await broker.invoke(ns.address, req, 3000);
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('crc32 not match');
  });

  it('answers ROCKETMQ-serialized requests in kind', async () => {
    await registerFixtureBroker();
    const bin = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
    bin.start();
    try {
      const res = await bin.invoke(
        ns.address,
        RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' }),
        3000,
      );
      expect(res.serializeType).toBe(SerializeType.ROCKETMQ);
      expect(res.code).toBe(0);
    } finally {
      await bin.shutdown();
    }
  });

  it('stores KV config in kvConfig.json and reloads it after a restart', async () => {
    expect(
      (await ask(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'FxTopic', value: 'broker-a:4' }))
        .code,
    ).toBe(0);
    expect((await ask(RequestCode.PUT_KV_CONFIG, { namespace: 'ns2', key: 'k', value: 'v' })).code).toBe(0);
    expect((await ask(RequestCode.GET_KV_CONFIG, { namespace: 'ns2', key: 'k' })).extFields?.value).toBe('v');
    const missing = await ask(RequestCode.GET_KV_CONFIG, { namespace: 'ns2', key: 'nope' });
    expect(missing.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(missing.remark).toBe('No config item, Namespace: ns2 Key: nope');
    const file = JSON.parse(readFileSync(join(dir, 'kvConfig.json'), 'utf8'));
    expect(file).toEqual({ configTable: { ORDER_TOPIC_CONFIG: { FxTopic: 'broker-a:4' }, ns2: { k: 'v' } } });
    expect((await ask(RequestCode.DELETE_KV_CONFIG, { namespace: 'ns2', key: 'k' })).code).toBe(0);
    expect((await ask(RequestCode.GET_KV_CONFIG, { namespace: 'ns2', key: 'k' })).code).toBe(
      ResponseCode.QUERY_NOT_FOUND,
    );

    await client.shutdown();
    await ns.shutdown();
    await startNamesrv({ orderMessageEnable: true });
    client = new RemotingClient();
    client.start();
    const list = await ask(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ORDER_TOPIC_CONFIG' });
    expect(parseJavaJson(list.body!)).toEqual({ table: { FxTopic: 'broker-a:4' } });
    expect((await ask(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'none' })).remark).toBe(
      'No config item, Namespace: none',
    );
    // the broker gets the order-topic KV list back, and routes carry orderTopicConf
    const reg = await registerFixtureBroker();
    expect(parseJavaJson(reg.body!)).toEqual({ table: { FxTopic: 'broker-a:4' } });
    const route = await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' });
    expect((parseJavaJson(route.body!) as { orderTopicConf: string }).orderTopicConf).toBe('broker-a:4');
  });

  it('wipes and restores write permission of a broker', async () => {
    await registerFixtureBroker();
    const wiped = await ask(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    expect(Number(wiped.extFields?.wipeTopicCount)).toBeGreaterThan(5);
    const perm = async (): Promise<number> =>
      (
        parseJavaJson((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).body!) as {
          queueDatas: Array<{ perm: number }>;
        }
      ).queueDatas[0]!.perm;
    expect(await perm()).toBe(4);
    const added = await ask(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    expect(added.extFields?.addTopicCount).toBe(wiped.extFields?.wipeTopicCount);
    expect(await perm()).toBe(6);
  });

  it('registers and deletes topics on request', async () => {
    await registerFixtureBroker();
    const body = Buffer.from(
      JSON.stringify({
        queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 }],
      }),
    );
    expect((await ask(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'NewTopic' }, body)).code).toBe(0);
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NewTopic' })).code).toBe(0);
    expect(
      (await ask(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'NewTopic', clusterName: 'OtherCluster' })).code,
    ).toBe(0);
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NewTopic' })).code).toBe(0);
    expect(
      (await ask(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'NewTopic', clusterName: 'DefaultCluster' })).code,
    ).toBe(0);
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NewTopic' })).code).toBe(17);
    expect((await ask(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'FxTopic' })).code).toBe(0);
    expect((await ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FxTopic' })).code).toBe(17);
  });

  it('reads and updates its configuration, refusing black-listed keys', async () => {
    const cfg = (await ask(RequestCode.GET_NAMESRV_CONFIG)).body!.toString('utf8');
    expect(cfg).toContain(`listenPort=0\n`);
    expect(cfg).toContain('enableAllTopicList=true\n');
    ns.config.configStorePath = join(dir, 'conf', 'namesrv.properties');
    const upd = await ask(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('enableAllTopicList=false\n'));
    expect(upd.code).toBe(0);
    expect(readFileSync(join(dir, 'conf', 'namesrv.properties'), 'utf8')).toContain('enableAllTopicList=false\n');
    const list = await ask(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    expect(list.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(list.remark).toBe('disable');
    const refused = await ask(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('kvConfigPath=/tmp/x\n'));
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
    expect(refused.remark).toBe('Can not update config in black list.');
  });
});

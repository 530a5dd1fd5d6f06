import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RequestCode,
  ResponseCode,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  type TopicRouteData,
} from '@rocketnest/common';
import { NamesrvController } from '@rocketnest/namesrv';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';

interface Frame {
  t: number;
  conn: number;
  opaque: number;
  code: number;
  kind: string;
  link: string;
  serializeType: number;
  headerText?: string;
  headerHex?: string;
  bodyHex: string;
}

const WIRE = join(__dirname, 'fixtures/apache-rocketmq/wire');

function toCommand(f: Frame): RemotingCommand {
  const header = f.serializeType === 1 ? Buffer.from(f.headerHex!, 'hex') : Buffer.from(f.headerText!, 'utf8');
  const body = Buffer.from(f.bodyHex, 'hex');
  const frame = Buffer.alloc(4 + header.length + body.length);
  frame.writeInt32BE((f.serializeType << 24) | header.length, 0);
  header.copy(frame, 4);
  body.copy(frame, 4 + header.length);
  const cmd = RemotingCommand.decode(frame);
  cmd.opaque = RemotingCommand.createRequest(0).opaque;
  cmd.flag = 0;
  return cmd;
}

/** Route data without order-dependent parts, for comparing answers. */
function canonical(route: TopicRouteData): unknown {
  return {
    queueDatas: [...route.queueDatas].sort((a, b) => a.brokerName.localeCompare(b.brokerName)),
    brokerDatas: route.brokerDatas
      .map((b) => ({ brokerName: b.brokerName, cluster: b.cluster, brokerAddrs: b.brokerAddrs }))
      .sort((a, b) => a.brokerName.localeCompare(b.brokerName)),
  };
}

describe.each(['4.9.4', '5.2.0'])('replaying the %s captures against our name server', (version) => {
  const frames = readdirSync(join(WIRE, version))
    .filter((f) => f !== 'codes.json')
    .flatMap((file) => JSON.parse(readFileSync(join(WIRE, version, file), 'utf8')) as Frame[])
    .filter((f) => f.link.endsWith('->namesrv'))
    .sort((a, b) => a.t - b.t);
  const registrations = frames.filter((f) => f.code === RequestCode.REGISTER_BROKER && f.kind !== 'response');
  /** Topics some captured registration carries (a few registrations, e.g. of %RETRY%fx_orderly_group, were not kept). */
  const registeredTopics = new Set(
    registrations.flatMap((f) =>
      Object.keys(
        decodeRegisterBrokerBody(Buffer.from(f.bodyHex, 'hex'), false).topicConfigSerializeWrapper.topicConfigTable,
      ),
    ),
  );
  /** Route lookups for those topics that the Java name server answered SUCCESS, with its answer. */
  const lookups = frames
    .filter((f) => f.code === RequestCode.GET_ROUTEINFO_BY_TOPIC && f.kind === 'request')
    .map((req) => {
      const res = frames.find(
        (r) =>
          r.kind === 'response' && r.conn === req.conn && r.opaque === req.opaque && r.t > req.t && r.link === req.link,
      );
      return { req, res };
    })
    .filter((x): x is { req: Frame; res: Frame } => x.res !== undefined && x.res.code === ResponseCode.SUCCESS)
    .filter(({ req }) => registeredTopics.has(toCommand(req).extFields?.topic ?? ''));

  let dir: string;
  let ns: NamesrvController;
  let client: RemotingClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'namesrv-replay-'));
    ns = new NamesrvController({ listenPort: 0, host: '127.0.0.1', kvConfigPath: join(dir, 'kv.json') });
    await ns.start();
    client = new RemotingClient();
    client.start();
    for (const reg of registrations) {
      const res = await client.invoke(ns.address, toCommand(reg), 3000);
      expect(res.code).toBe(ResponseCode.SUCCESS);
    }
  });

  afterAll(async () => {
    await client.shutdown();
    await ns.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepted every captured registration', () => {
    expect(registrations.length).toBeGreaterThanOrEqual(8);
    expect(ns.routeInfoManager.brokerLiveTable.size).toBe(1);
  });

  it('answers every captured route lookup with the routes the Java name server gave', async () => {
    expect(lookups.length).toBeGreaterThan(30);
    for (const { req, res } of lookups) {
      const ours = await client.invoke(ns.address, toCommand(req), 3000);
      expect(ours.code).toBe(ResponseCode.SUCCESS);
      const theirs = decodeTopicRouteData(Buffer.from(res.bodyHex, 'hex'));
      expect(canonical(decodeTopicRouteData(ours.body))).toEqual(canonical(theirs));
      // same JSON flavour: bare integer keys exactly when Java used them
      expect(ours.body!.toString().includes('{0:')).toBe(Buffer.from(res.bodyHex, 'hex').toString().includes('{0:'));
    }
  });
});

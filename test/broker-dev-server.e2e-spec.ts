import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode, encodeMessageProperties } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { BrokerConfigError, silentLogger } from '@rocketnest/broker';
import { startDevServer } from '../apps/dev-server/src/dev-server';

describe('dev server (npm start)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-dev-server-'));
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('runs name server + broker with the store under ./.rocketnest, serves /health and accepts sends', async () => {
    fs.writeFileSync(path.join(cwd, 'broker.conf'), 'brokerName=broker-dev\nbrokerClusterName=DevCluster\n');
    const server = await startDevServer(
      ['-c', path.join(cwd, 'broker.conf'), '--namesrvPort', '0', '--brokerPort', '0', '--healthPort', '0'],
      { cwd, env: {}, logger: silentLogger },
    );
    expect(server).toBeDefined();
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      expect(server!.banner).toContain(`name server : ${server!.mq.namesrvAddr}`);
      expect(server!.banner).toContain('Stop with Ctrl-C');
      expect(server!.mq.broker.brokerConfig.storePathRootDir).toBe(path.join(cwd, '.rocketnest'));
      expect(server!.mq.broker.brokerConfig.brokerName).toBe('broker-dev');
      const res = await fetch(`http://127.0.0.1:${server!.health!.listeningPort}/health`);
      expect(res.status).toBe(200);
      const sent = await client.invoke(
        server!.mq.brokerAddr,
        RemotingCommand.createRequest(
          RequestCode.SEND_MESSAGE_V2,
          {
            a: 'PG',
            b: 'DevTopic',
            c: 'TBW102',
            d: 4,
            e: 0,
            f: 0,
            g: Date.now(),
            h: 0,
            i: encodeMessageProperties({}),
            k: false,
            m: false,
          },
          Buffer.from('hi'),
        ),
        3000,
      );
      expect(sent.code).toBe(ResponseCode.SUCCESS);
    } finally {
      await client.shutdown();
      await server!.shutdown();
    }
    expect(fs.existsSync(path.join(cwd, '.rocketnest', 'config', 'topics.json'))).toBe(true);
  });

  it('prints help for -h and refuses bad ports', async () => {
    await expect(startDevServer(['-h'], { cwd, env: {} })).resolves.toBeUndefined();
    await expect(startDevServer(['--namesrvPort', 'x'], { cwd, env: {}, logger: silentLogger })).rejects.toThrow(
      BrokerConfigError,
    );
  });
});

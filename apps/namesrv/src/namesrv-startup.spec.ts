import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQClientError } from '@rocketnest/common';
import { DEFAULT_HEALTH_PORT, resolveNamesrvStartup } from './namesrv-startup';

describe('resolveNamesrvStartup', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'namesrv-startup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Java keys from -c and lets --key override single keys', () => {
    const file = join(dir, 'namesrv.properties');
    writeFileSync(
      file,
      'listenPort=9876\nkvConfigPath=/data/kvConfig.json\nscanNotActiveBrokerInterval=8000\nserverChannelMaxIdleTimeSeconds=60\norderMessageEnable=true\nrocketmqHome=/opt/rmq\nsomethingElse=1\n',
    );
    const s = resolveNamesrvStartup(['-c', file, '--listenPort', '19876', '--healthPort=0']);
    expect(s.config).toEqual({
      listenPort: 19876,
      kvConfigPath: '/data/kvConfig.json',
      scanNotActiveBrokerIntervalMs: 8000,
      serverChannelMaxIdleTimeMs: 60_000,
      orderMessageEnable: true,
      rocketmqHome: '/opt/rmq',
    });
    expect(s.healthPort).toBe(0);
    expect(s.unknownKeys).toEqual(['somethingElse']);
  });

  it('defaults the health port and accepts -1 to disable it', () => {
    expect(resolveNamesrvStartup([]).healthPort).toBe(DEFAULT_HEALTH_PORT);
    expect(resolveNamesrvStartup(['--healthPort', '-1']).healthPort).toBe(-1);
  });

  it('rejects bad values, unknown override keys and unreadable files', () => {
    expect(() => resolveNamesrvStartup(['--listenPort', 'abc'])).toThrow(/needs an integer/);
    expect(() => resolveNamesrvStartup(['--orderMessageEnable', 'yes'])).toThrow(/true or false/);
    expect(() => resolveNamesrvStartup(['--healthPort', '70000'])).toThrow(/healthPort/);
    expect(() => resolveNamesrvStartup(['--nope', '1'])).toThrow(MQClientError);
    expect(() => resolveNamesrvStartup(['-c', join(dir, 'missing.properties')])).toThrow(/Cannot read config file/);
  });

  it('maps serializeType names', () => {
    expect(resolveNamesrvStartup(['--serializeType', 'ROCKETMQ']).config.serializeType).toBe(1);
    expect(resolveNamesrvStartup(['--serializeType', 'json']).config.serializeType).toBe(0);
  });
});

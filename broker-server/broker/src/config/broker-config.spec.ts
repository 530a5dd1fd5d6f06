import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrokerConfigError, brokerConfigToProperties, defaultBrokerConfig } from './broker-config';
import { loadBrokerConfig } from './broker-startup';
import { readConfigFile, writeFileAtomicSync } from './config-file';

describe('broker configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has the Java defaults', () => {
    const c = defaultBrokerConfig({});
    expect(c.brokerClusterName).toBe('DefaultCluster');
    expect(c.listenPort).toBe(10911);
    expect(c.defaultTopicQueueNums).toBe(8);
    expect(c.autoCreateTopicEnable).toBe(true);
    expect(c.channelExpiredTimeout).toBe(120000);
    expect(c.flushConsumerOffsetInterval).toBe(5000);
    expect(c.registerNameServerPeriod).toBe(30000);
    expect(c.namesrvAddr).toBeNull();
  });

  it('layers -c file, NAMESRV_ADDR, -n and --key flags in the Java order', () => {
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(
      conf,
      'brokerClusterName = C1\nbrokerName=broker-x\n# comment\nlistenPort=20911\nflushDiskType=SYNC_FLUSH\n',
    );
    const env = { NAMESRV_ADDR: '10.0.0.1:9876' };
    let loaded = loadBrokerConfig(['-c', conf, '--listenPort', '30911', '--storePathRootDir', dir], env);
    expect(loaded.config.brokerClusterName).toBe('C1');
    expect(loaded.config.brokerName).toBe('broker-x');
    expect(loaded.config.listenPort).toBe(30911);
    expect(loaded.config.flushDiskType).toBe('SYNC_FLUSH');
    expect(loaded.config.namesrvAddr).toBe('10.0.0.1:9876');
    expect(loaded.config.haListenPort).toBe(30912);
    expect(loaded.config.storePathCommitLog).toBe(path.join(dir, 'commitlog'));
    loaded = loadBrokerConfig(['-c', conf, '-n', '127.0.0.1:9876;127.0.0.2:9876'], env);
    expect(loaded.config.namesrvAddr).toBe('127.0.0.1:9876;127.0.0.2:9876');
  });

  it('warns about unknown keys, ignores known Java-only keys, and returns host extras', () => {
    const loaded = loadBrokerConfig(
      ['--fooBar', '1', '--sendMessageThreadPoolNums', '16', '--namesrvPort', '9999'],
      {},
      ['namesrvPort'],
    );
    expect(loaded.warnings).toEqual(['Unknown configuration key "fooBar" in command line; ignored']);
    expect(loaded.extra).toEqual({ namesrvPort: '9999' });
  });

  it('rejects bad values with the key and source named', () => {
    expect(() => loadBrokerConfig(['--listenPort', 'abc'], {})).toThrow(BrokerConfigError);
    expect(() => loadBrokerConfig(['--listenPort', 'abc'], {})).toThrow(/listenPort.*not an integer.*command line/);
    expect(() => loadBrokerConfig(['--flushDiskType', 'SOMETIMES'], {})).toThrow(/ASYNC_FLUSH, SYNC_FLUSH/);
    expect(() => loadBrokerConfig(['--autoCreateTopicEnable', 'yes'], {})).toThrow(/not a boolean/);
    expect(() => loadBrokerConfig(['--listenPort', '70000'], {})).toThrow(/not a port/);
    expect(() => loadBrokerConfig(['-n', 'nohostport'], {})).toThrow(/namesrvAddr/);
    expect(() => loadBrokerConfig(['-c', path.join(dir, 'missing.conf')], {})).toThrow(/Cannot read config file/);
  });

  it('prints the config as Java properties', () => {
    const text = brokerConfigToProperties(defaultBrokerConfig({}));
    expect(text).toContain('brokerClusterName=DefaultCluster\n');
    expect(text).toContain('listenPort=10911\n');
    expect(text).toContain('namesrvAddr=\n');
  });

  it('writes config files atomically with a .bak and reads the .bak when the main file is corrupt', () => {
    const file = path.join(dir, 'config', 'topics.json');
    writeFileAtomicSync(file, '{"v":1}');
    writeFileAtomicSync(file, '{"v":2}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('{"v":1}');
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    const decode = (t: string): { v: number } => JSON.parse(t) as { v: number };
    expect(readConfigFile(file, decode)).toEqual({ v: 2 });
    fs.writeFileSync(file, '{broken');
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(readConfigFile(file, decode)).toEqual({ v: 1 });
    warn.mockRestore();
    expect(readConfigFile(path.join(dir, 'none.json'), decode)).toBeNull();
  });
});

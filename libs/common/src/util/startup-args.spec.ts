import { MQClientError } from '../errors/rocketmq-error';
import { formatProperties, parseProperties, parseStartupArgs } from './startup-args';

describe('parseProperties', () => {
  it('reads Java .properties syntax', () => {
    const text = [
      '# comment',
      '! also a comment',
      '   listenPort = 9876',
      'kvConfigPath:/data/kv.json',
      'brokerName broker-a',
      'empty=',
      'spaced   =   value with spaces  ',
      'multi = first \\',
      '        second',
      'esc\\ key = tab\\there\\u00e9\\\\',
      'trailing = ends with backslash \\\\',
      'dup=1',
      'dup=2',
      '',
    ].join('\r\n');
    expect(parseProperties(text)).toEqual({
      listenPort: '9876',
      kvConfigPath: '/data/kv.json',
      brokerName: 'broker-a',
      empty: '',
      spaced: 'value with spaces  ',
      multi: 'first second',
      'esc key': 'tab\thereé\\',
      trailing: 'ends with backslash \\',
      dup: '2',
    });
  });

  it('round-trips simple key=value output', () => {
    const text = formatProperties({ a: 1, b: true, c: 'x', d: undefined });
    expect(text).toBe('a=1\nb=true\nc=x\n');
    expect(parseProperties(text)).toEqual({ a: '1', b: 'true', c: 'x' });
  });
});

describe('parseStartupArgs', () => {
  it('reads -c, -n, -p and --key value / --key=value overrides', () => {
    const args = parseStartupArgs(
      [
        '-c',
        'conf/namesrv.properties',
        '-n',
        '127.0.0.1:9876;127.0.0.1:9877',
        '--listenPort',
        '19876',
        '--kvConfigPath=/tmp/kv.json',
        '-p',
      ],
      ['listenPort', 'kvConfigPath'],
    );
    expect(args).toEqual({
      configFile: 'conf/namesrv.properties',
      namesrvAddr: '127.0.0.1:9876;127.0.0.1:9877',
      printConfig: true,
      help: false,
      overrides: { listenPort: '19876', kvConfigPath: '/tmp/kv.json' },
    });
  });

  it('rejects unknown keys, stray arguments and missing values with MQClientError', () => {
    expect(() => parseStartupArgs(['--nope', '1'], ['listenPort'])).toThrow(/Unknown configuration key "nope"/);
    expect(() => parseStartupArgs(['stray'])).toThrow(MQClientError);
    expect(() => parseStartupArgs(['-c'])).toThrow(/needs a value/);
    expect(() => parseStartupArgs(['--listenPort'])).toThrow(/needs a value/);
  });

  it('accepts any key when knownKeys is true, and -h', () => {
    expect(parseStartupArgs(['--anything', 'x', '-h'])).toMatchObject({ help: true, overrides: { anything: 'x' } });
  });
});

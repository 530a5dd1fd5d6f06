import { buildClientId, resolveClientConfig, withoutNamespace, wrapNamespace } from './client-config';

describe('client config', () => {
  it('splits the name server list and builds ip@instance ids', () => {
    const c = resolveClientConfig({ namesrvAddr: 'a:9876; b:9876', clientIP: '10.0.0.1', instanceName: 'i1' });
    expect(c.namesrvAddrs).toEqual(['a:9876', 'b:9876']);
    expect(buildClientId(c)).toBe('10.0.0.1@i1');
    expect(resolveClientConfig({}).instanceName).toMatch(/^\d+#\d+$/);
  });

  it('falls back to NAMESRV_ADDR', () => {
    const old = process.env.NAMESRV_ADDR;
    process.env.NAMESRV_ADDR = 'x:1;y:2';
    try {
      expect(resolveClientConfig({}).namesrvAddrs).toEqual(['x:1', 'y:2']);
    } finally {
      if (old === undefined) delete process.env.NAMESRV_ADDR;
      else process.env.NAMESRV_ADDR = old;
    }
  });

  it('wraps and unwraps namespaces like Java NamespaceUtil', () => {
    expect(wrapNamespace('ns', 'T')).toBe('ns%T');
    expect(wrapNamespace('ns', 'ns%T')).toBe('ns%T');
    expect(wrapNamespace('ns', '%RETRY%G')).toBe('%RETRY%ns%G');
    expect(wrapNamespace('ns', 'TBW102')).toBe('TBW102');
    expect(withoutNamespace('ns', '%DLQ%ns%G')).toBe('%DLQ%G');
    expect(withoutNamespace('ns', 'ns%T')).toBe('T');
    expect(withoutNamespace(undefined, 'ns%T')).toBe('ns%T');
  });
});

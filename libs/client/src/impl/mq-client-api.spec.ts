import { MQClientError, RemotingConnectError, RequestCode, ResponseCode } from '@rocketnest/common';
import { RemotingCommand, type RemotingClient } from '@rocketnest/remoting';
import { MQClientAPI } from './mq-client-api';

/** Test double: connection-refused for every address but `good`. */
function remotingWith(good: string | undefined, tried: string[]): RemotingClient {
  return {
    invoke: (addr: string) => {
      tried.push(addr);
      if (addr !== good) return Promise.reject(new RemotingConnectError(addr));
      return Promise.resolve(RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, 'No topic route info'));
    },
  } as unknown as RemotingClient;
}

describe('MQClientAPI name server failover', () => {
  it('tries every name server until one answers', async () => {
    const tried: string[] = [];
    const addrs = ['a:1', 'b:1', 'c:1', 'good:1', 'd:1'];
    const api = new MQClientAPI(remotingWith('good:1', tried), addrs, 100);
    expect(await api.getTopicRouteInfo('T')).toBeUndefined();
    expect(tried[tried.length - 1]).toBe('good:1');
    expect(new Set(tried).size).toBe(tried.length);
    // the good one is remembered and asked first next time
    tried.length = 0;
    await api.getTopicRouteInfo('T');
    expect(tried).toEqual(['good:1']);
  });

  it('names every name server it asked when none answers', async () => {
    const api = new MQClientAPI(remotingWith(undefined, []), ['a:1', 'b:2'], 100);
    const err = await api
      .invokeNamesrv(() => RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MQClientError);
    expect((err as MQClientError).retriable).toBe(true);
    expect((err as Error).message).toContain('a:1;b:2');
  });

  it('explains a missing name server address', async () => {
    const api = new MQClientAPI(remotingWith(undefined, []), [], 100);
    await expect(api.getTopicRouteInfo('T')).rejects.toThrow(/NAMESRV_ADDR/);
  });
});

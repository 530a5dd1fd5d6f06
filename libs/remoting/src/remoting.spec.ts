import * as net from 'node:net';
import {
  MQBrokerError,
  RemotingConnectError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
  ResponseCode,
} from '@rocketnest/common';
import { waitFor } from '../../../test/utils/wait-for';
import { FrameDecoder } from './frame-decoder';
import { RemotingClient } from './remoting-client';
import { RemotingCommand, SerializeType } from './remoting-command';
import type { RemotingChannel } from './remoting-connection';
import { RemotingServer } from './remoting-server';

const ECHO = 1001;
const SLOW = 1002;
const BOOM = 1003;
const HOLD = 1004;

describe('RemotingServer and RemotingClient', () => {
  let server: RemotingServer;
  let client: RemotingClient;
  let addr: string;
  const held: Array<{ req: RemotingCommand; ch: RemotingChannel }> = [];
  const sockets: net.Socket[] = [];

  async function startServer(opts: ConstructorParameters<typeof RemotingServer>[0] = {}): Promise<void> {
    server = new RemotingServer({ host: '127.0.0.1', port: 0, ...opts });
    server.registerProcessor(ECHO, (req) => {
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, { echo: req.getExtField('v') });
      res.body = req.body;
      return res;
    });
    server.registerProcessor(SLOW, async () => {
      await new Promise((r) => setTimeout(r, 300));
      return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    });
    server.registerProcessor(BOOM, () => {
      throw new Error('kaput');
    });
    server.registerProcessor(HOLD, (req, ch) => {
      held.push({ req, ch });
      return null;
    });
    await server.start();
    addr = `127.0.0.1:${server.port}`;
  }

  function rawSocket(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
      s.on('error', reject);
      sockets.push(s);
    });
  }

  beforeEach(async () => {
    held.length = 0;
    await startServer();
    client = new RemotingClient({ connectTimeoutMs: 1000 });
    client.start();
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await client.shutdown();
    await server.shutdown();
  });

  it('sends large response bodies after the head (not copied into the frame) and small ones in one frame', async () => {
    for (const size of [100, 16 * 1024, 300 * 1024]) {
      for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
        const body = Buffer.alloc(size);
        for (let i = 0; i < size; i++) body[i] = (i * 31 + size) & 0xff;
        const req = RemotingCommand.createRequest(ECHO, { v: `s${size}` }, body);
        req.serializeType = serializeType;
        const res = await client.invoke(addr, req, 2000);
        expect(res.extFields).toEqual({ echo: `s${size}` });
        expect(res.body?.equals(body)).toBe(true);
      }
    }
  });

  it('answers a request with the processor response, matched by opaque', async () => {
    const req = RemotingCommand.createRequest(ECHO, { v: 'hi' }, Buffer.from('body'));
    const res = await client.invoke(addr, req, 2000);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.opaque).toBe(req.opaque);
    expect(res.isResponse()).toBe(true);
    expect(res.extFields).toEqual({ echo: 'hi' });
    expect(res.body?.toString()).toBe('body');
  });

  it('runs many concurrent requests over one connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.invoke(addr, RemotingCommand.createRequest(ECHO, { v: i }), 3000)),
    );
    expect(results.map((r) => r.extFields?.echo)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(server.channels).toHaveLength(1);
  });

  it('answers in the request serialize type by default (ROCKETMQ in, ROCKETMQ out)', async () => {
    const binClient = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
    binClient.start();
    try {
      const res = await binClient.invoke(addr, RemotingCommand.createRequest(ECHO, { v: 'b' }), 2000);
      expect(res.serializeType).toBe(SerializeType.ROCKETMQ);
      expect(res.extFields).toEqual({ echo: 'b' });
    } finally {
      await binClient.shutdown();
    }
  });

  it('answers unknown codes with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const res = await client.invoke(addr, RemotingCommand.createRequest(4242), 2000);
    expect(res.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(res.remark).toBe(' request type 4242 not supported');
  });

  it('answers SYSTEM_ERROR with a remark when a processor throws, and keeps serving', async () => {
    const res = await client.invoke(addr, RemotingCommand.createRequest(BOOM), 2000);
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain('kaput');
    expect((await client.invoke(addr, RemotingCommand.createRequest(ECHO), 2000)).code).toBe(0);
  });

  it('answers with the code of a thrown MQBrokerError', async () => {
    server.registerProcessor(77, () => {
      throw new MQBrokerError(ResponseCode.TOPIC_NOT_EXIST, 'no such topic');
    });
    const res = await client.invoke(addr, RemotingCommand.createRequest(77), 2000);
    expect(res.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(res.remark).toBe('no such topic');
  });

  it('answers SYSTEM_BUSY when overloaded or when the processor rejects', async () => {
    await server.shutdown();
    await startServer({ maxConcurrentRequests: 1 });
    const slow = client.invoke(addr, RemotingCommand.createRequest(SLOW), 2000);
    await waitFor(() => server.channels.length === 1);
    const busy = await client.invoke(addr, RemotingCommand.createRequest(SLOW), 2000);
    expect(busy.code).toBe(ResponseCode.SYSTEM_BUSY);
    expect(busy.remark).toMatch(/^\[OVERLOAD\]/);
    expect((await slow).code).toBe(0);
    server.registerProcessor(88, () => RemotingCommand.createResponse(0), { rejectRequest: () => true });
    const rejected = await client.invoke(addr, RemotingCommand.createRequest(88), 2000);
    expect(rejected.code).toBe(ResponseCode.SYSTEM_BUSY);
    expect(rejected.remark).toMatch(/^\[REJECTREQUEST\]/);
  });

  it('does not answer oneway requests, even unknown codes', async () => {
    let seen = 0;
    server.registerProcessor(99, () => {
      seen++;
      return RemotingCommand.createResponse(0);
    });
    const s = await rawSocket();
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    s.write(RemotingCommand.createRequest(99).markOneway().encode());
    s.write(RemotingCommand.createRequest(4243).markOneway().encode());
    const probe = RemotingCommand.createRequest(ECHO, { v: 'probe' });
    s.write(probe.encode());
    await waitFor(() => received.length > 0);
    const answers = new FrameDecoder().push(Buffer.concat(received));
    expect(seen).toBe(1);
    expect(answers.map((a) => a.opaque)).toEqual([probe.opaque]);
  });

  it('answers a deferred (held) request later through writeResponse', async () => {
    const pending = client.invoke(addr, RemotingCommand.createRequest(HOLD), 3000);
    await waitFor(() => held.length === 1);
    const { req, ch } = held[0]!;
    server.writeResponse(ch, req, RemotingCommand.createResponse(ResponseCode.PULL_NOT_FOUND, 'nothing yet'));
    const res = await pending;
    expect(res.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(res.opaque).toBe(req.opaque);
  });

  it('times out a call with RemotingTimeoutError and drops the late response', async () => {
    await expect(client.invoke(addr, RemotingCommand.createRequest(HOLD), 100)).rejects.toBeInstanceOf(
      RemotingTimeoutError,
    );
    const { req, ch } = held[0]!;
    server.writeResponse(ch, req, RemotingCommand.createResponse(0));
    expect((await client.invoke(addr, RemotingCommand.createRequest(ECHO, { v: 'after' }), 2000)).extFields).toEqual({
      echo: 'after',
    });
  });

  it('fails pending calls at once when the connection drops', async () => {
    const pending = client.invoke(addr, RemotingCommand.createRequest(HOLD), 30_000);
    await waitFor(() => held.length === 1);
    const started = Date.now();
    held[0]!.ch.close();
    await expect(pending).rejects.toBeInstanceOf(RemotingConnectError);
    expect(Date.now() - started).toBeLessThan(1000);
    // and the next call reconnects
    expect((await client.invoke(addr, RemotingCommand.createRequest(ECHO), 2000)).code).toBe(0);
  });

  it('closes a peer that sends garbage and keeps serving others', async () => {
    const exceptions: unknown[] = [];
    server.on('exception', (_ch, err) => exceptions.push(err));
    const bad = await rawSocket();
    const closed = new Promise((r) => bad.on('close', r));
    bad.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closed;
    expect(exceptions.length).toBeGreaterThan(0);
    const bad2 = await rawSocket();
    const closed2 = new Promise((r) => bad2.on('close', r));
    const frame = Buffer.alloc(12);
    frame.writeInt32BE(8, 0);
    frame.writeUInt32BE((5 << 24) | 4, 4);
    bad2.write(frame);
    await closed2;
    expect((await client.invoke(addr, RemotingCommand.createRequest(ECHO, { v: 'ok' }), 2000)).extFields).toEqual({
      echo: 'ok',
    });
  });

  it('emits connect and close events for channels', async () => {
    const events: string[] = [];
    server.on('connect', (ch: RemotingChannel) => events.push(`connect ${ch.id}`));
    server.on('close', (ch: RemotingChannel) => events.push(`close ${ch.id}`));
    await client.invoke(addr, RemotingCommand.createRequest(ECHO), 2000);
    client.closeChannel(addr);
    await waitFor(() => events.length === 2);
    expect(events[0]).toMatch(/^connect c\d+$/);
    expect(events[1]).toBe(events[0]!.replace('connect', 'close'));
  });

  it('closes idle channels after channelMaxIdleTimeMs', async () => {
    await server.shutdown();
    await startServer({ channelMaxIdleTimeMs: 150 });
    const idle: RemotingChannel[] = [];
    server.on('idle', (ch: RemotingChannel) => idle.push(ch));
    const closes: string[] = [];
    client.on('close', (a: string) => closes.push(a));
    await client.invoke(addr, RemotingCommand.createRequest(ECHO), 2000);
    await waitFor(() => closes.length === 1, { timeoutMs: 3000 });
    expect(idle).toHaveLength(1);
    expect(closes).toEqual([addr]);
  });

  it('lets the server send requests to a client and get the answer', async () => {
    client.registerProcessor(39, (req) => RemotingCommand.createResponse(0, `checked ${req.getExtField('tranId')}`));
    await client.invoke(addr, RemotingCommand.createRequest(ECHO), 2000);
    const ch = server.channels[0]!;
    const res = await server.invoke(ch, RemotingCommand.createRequest(39, { tranId: 'tx1' }), 2000);
    expect(res.remark).toBe('checked tx1');
    const unknown = await server.invoke(ch, RemotingCommand.createRequest(4000), 2000);
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    let oneways = 0;
    client.registerProcessor(40, () => {
      oneways++;
      return null;
    });
    await server.invokeOneway(ch, RemotingCommand.createRequest(40));
    await waitFor(() => oneways === 1);
  });

  it('limits requests in flight with RemotingTooMuchRequestError', async () => {
    const limited = new RemotingClient({ maxAsyncInFlight: 1, maxOnewayInFlight: 1 });
    limited.start();
    try {
      const first = limited.invoke(addr, RemotingCommand.createRequest(SLOW), 2000);
      await expect(limited.invoke(addr, RemotingCommand.createRequest(ECHO), 50)).rejects.toBeInstanceOf(
        RemotingTooMuchRequestError,
      );
      expect((await first).code).toBe(0);
      expect((await limited.invoke(addr, RemotingCommand.createRequest(ECHO), 1000)).code).toBe(0);
      await limited.invokeOneway(addr, RemotingCommand.createRequest(ECHO), 1000);
    } finally {
      await limited.shutdown();
    }
  });

  it('fails fast on a refused connection and backs off before retrying', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = new RemotingClient({ reconnectBackoffInitialMs: 200, reconnectBackoffMaxMs: 200 });
    c.start();
    try {
      const dead = `127.0.0.1:${port}`;
      await expect(c.invoke(dead, RemotingCommand.createRequest(ECHO), 1000)).rejects.toBeInstanceOf(
        RemotingConnectError,
      );
      // inside the back-off window and with a timeout shorter than it: fails without trying
      await expect(c.invoke(dead, RemotingCommand.createRequest(ECHO), 10)).rejects.toThrow(/next try in/);
    } finally {
      await c.shutdown();
    }
  });

  it('rejects a second start and shares one shutdown', async () => {
    await expect(server.start()).rejects.toThrow(/cannot start in state RUNNING/);
    const a = server.shutdown();
    expect(server.shutdown()).toBe(a);
    await a;
    await expect(server.start()).rejects.toThrow(/SHUTDOWN_ALREADY/);
  });

  it('decodes requests arriving one byte at a time over TCP', async () => {
    const s = await rawSocket();
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    const reqs = [1, 2, 3].map((i) => RemotingCommand.createRequest(ECHO, { v: i }, Buffer.from(`body ${i}`)));
    const bytes = Buffer.concat(reqs.map((r) => r.encode()));
    for (let i = 0; i < bytes.length; i++) {
      s.write(bytes.subarray(i, i + 1));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => new FrameDecoder().push(Buffer.concat(received)).length === 3);
    const answers = new FrameDecoder().push(Buffer.concat(received));
    expect(answers.map((a) => [a.opaque, a.extFields?.echo, a.body?.toString()])).toEqual(
      reqs.map((r, i) => [r.opaque, String(i + 1), `body ${i + 1}`]),
    );
  });

  it('closes a peer announcing a frame over the 16 MiB limit', async () => {
    const s = await rawSocket();
    const closed = new Promise((r) => s.on('close', r));
    const head = Buffer.alloc(8);
    head.writeInt32BE(64 * 1024 * 1024, 0);
    s.write(head);
    await closed;
    expect((await client.invoke(addr, RemotingCommand.createRequest(ECHO, { v: 'still' }), 2000)).extFields).toEqual({
      echo: 'still',
    });
  });

  it('fails pending calls on client shutdown', async () => {
    const pending = client.invoke(addr, RemotingCommand.createRequest(HOLD), 30_000);
    await waitFor(() => held.length === 1);
    await client.shutdown();
    await expect(pending).rejects.toBeInstanceOf(RemotingConnectError);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RequestCode, ResponseCode } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { bootstrapNamesrv, resolveNamesrvStartup, type RunningNamesrv } from '../apps/namesrv/src';

describe('namesrv app (Nest host)', () => {
  let dir: string;
  let running: RunningNamesrv | undefined;
  let client: RemotingClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'namesrv-app-'));
    client = new RemotingClient();
    client.start();
  });

  afterEach(async () => {
    await client.shutdown();
    await running?.app.close();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts from arguments, serves remoting and GET /health, and stops on close', async () => {
    const startup = resolveNamesrvStartup([
      '--listenPort',
      '0',
      '--bindAddress',
      '127.0.0.1',
      '--healthPort',
      '0',
      '--kvConfigPath',
      join(dir, 'kv.json'),
    ]);
    running = await bootstrapNamesrv(startup);
    const ns = running.host.controller;
    expect(ns.port).toBeGreaterThan(0);
    expect(running.healthPort).toBeGreaterThan(0);

    const res = await client.invoke(
      ns.address,
      RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }),
      3000,
    );
    expect(res.code).toBe(ResponseCode.TOPIC_NOT_EXIST);

    const health = await request(`http://127.0.0.1:${running.healthPort}`).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', port: ns.port, brokers: 0, topics: 0, connections: 1 });

    await running.app.close();
    running = undefined;
    await expect(
      client.invoke(ns.address, RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO), 1000),
    ).rejects.toThrow();
  });

  it('runs without an HTTP server when healthPort is -1', async () => {
    running = await bootstrapNamesrv(
      resolveNamesrvStartup([
        '--listenPort',
        '0',
        '--bindAddress',
        '127.0.0.1',
        '--healthPort',
        '-1',
        '--kvConfigPath',
        join(dir, 'kv.json'),
      ]),
    );
    expect(running.healthPort).toBeUndefined();
    const res = await client.invoke(
      running.host.controller.address,
      RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO),
      3000,
    );
    expect(res.code).toBe(ResponseCode.SUCCESS);
  });
});

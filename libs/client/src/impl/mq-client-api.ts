import {
  MQBrokerError,
  MQClientError,
  RemotingCommandError,
  RequestCode,
  ResponseCode,
  isPlainObject,
  javaMapEntries,
  parseJavaJson,
  toJavaJson,
  type MessageQueue,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand, type ExtFieldValue } from '@rocketnest/remoting';

/** Java `QueueData`. */
export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** Java `BrokerData`: `brokerAddrs` maps broker id (0 = master) to `ip:port`. */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

/** Java `TopicRouteData` (protocol.md §2.3.18). */
export interface TopicRouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  orderTopicConf?: string;
}

export const PermName = { PERM_PRIORITY: 8, PERM_READ: 4, PERM_WRITE: 2, PERM_INHERIT: 1 } as const;

function num(v: unknown, dflt = 0): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return dflt;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}

/** Reads a route body with the tolerant Java JSON reader (old name servers write unquoted integer keys). */
export function decodeTopicRouteData(body: Buffer | undefined): TopicRouteData {
  if (!body || body.length === 0) throw new RemotingCommandError('Empty topic route body');
  const raw = parseJavaJson(body);
  if (!isPlainObject(raw)) throw new RemotingCommandError('Topic route body is not a JSON object');
  const queueDatas = (Array.isArray(raw.queueDatas) ? raw.queueDatas : []).filter(isPlainObject).map((q) => ({
    brokerName: str(q.brokerName),
    readQueueNums: num(q.readQueueNums),
    writeQueueNums: num(q.writeQueueNums),
    perm: num(q.perm),
    topicSysFlag: num(q.topicSysFlag),
  }));
  const brokerDatas = (Array.isArray(raw.brokerDatas) ? raw.brokerDatas : []).filter(isPlainObject).map((b) => {
    const brokerAddrs = new Map<number, string>();
    if (b.brokerAddrs !== undefined && b.brokerAddrs !== null) {
      for (const [id, addr] of javaMapEntries(b.brokerAddrs, 'brokerAddrs')) brokerAddrs.set(num(id, -1), str(addr));
    }
    return { cluster: str(b.cluster), brokerName: str(b.brokerName), brokerAddrs };
  });
  const orderTopicConf = typeof raw.orderTopicConf === 'string' ? raw.orderTopicConf : undefined;
  return { queueDatas, brokerDatas, orderTopicConf };
}

/** Throws an `MQBrokerError` for a non-SUCCESS response (the `parse` step after `decode`). */
export function expectSuccess(response: RemotingCommand, addr: string, ...ok: number[]): RemotingCommand {
  if (response.code === ResponseCode.SUCCESS || ok.includes(response.code)) return response;
  throw new MQBrokerError(response.code, response.remark, addr);
}

export function extNumber(response: RemotingCommand, key: string): number {
  const v = response.extFields?.[key];
  if (v === undefined) throw new RemotingCommandError(`Response lacks header field "${key}"`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RemotingCommandError(`Header field "${key}" is not a number: ${v}`);
  return n;
}

export function parseBodyJson(response: RemotingCommand): Record<string, unknown> {
  if (!response.body || response.body.length === 0) return {};
  const raw = parseJavaJson(response.body, { bigIntegers: 'number' });
  if (!isPlainObject(raw)) throw new RemotingCommandError('Response body is not a JSON object');
  return raw;
}

/** JSON of a MessageQueue the way Java writes it (keys sorted). */
export function mqJson(mq: MessageQueue): { brokerName: string; queueId: number; topic: string } {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

/**
 * The wire calls of a client (Java `MQClientAPIImpl`): builds each request's header and body, talks to the name
 * servers with failover and to brokers, and turns answers into values or typed errors.
 */
export class MQClientAPI {
  private namesrvIndex = Math.floor(Math.random() * 997);

  constructor(
    readonly remoting: RemotingClient,
    private namesrvAddrs: string[],
    readonly requestTimeoutMs: number,
  ) {}

  get nameServers(): readonly string[] {
    return this.namesrvAddrs;
  }

  updateNameServerAddressList(addrs: string[]): void {
    this.namesrvAddrs = [...addrs];
  }

  request(code: number, ext?: Record<string, ExtFieldValue>, body?: Buffer): RemotingCommand {
    return RemotingCommand.createRequest(code, ext, body);
  }

  /** Sends to the name servers, starting with the last good one and moving on after connection-level failures. */
  async invokeNamesrv(req: () => RemotingCommand, timeoutMs = this.requestTimeoutMs): Promise<RemotingCommand> {
    if (this.namesrvAddrs.length === 0) {
      throw new MQClientError('No name server address: set namesrvAddr or the NAMESRV_ADDR environment variable');
    }
    let lastErr: unknown;
    for (let i = 0; i < this.namesrvAddrs.length; i++) {
      const idx = (this.namesrvIndex + i) % this.namesrvAddrs.length;
      const addr = this.namesrvAddrs[idx]!;
      try {
        const response = await this.remoting.invoke(addr, req(), timeoutMs);
        this.namesrvIndex = idx;
        return response;
      } catch (err) {
        lastErr = err;
      }
    }
    throw new MQClientError(
      `No name server answered (${this.namesrvAddrs.join(';')}): ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`,
      { cause: lastErr, retriable: true },
    );
  }

  /** GET_ROUTEINFO_BY_TOPIC; `undefined` when the name server knows no such topic. */
  async getTopicRouteInfo(topic: string, timeoutMs = this.requestTimeoutMs): Promise<TopicRouteData | undefined> {
    const response = await this.invokeNamesrv(
      () => this.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, acceptStandardJsonOnly: true }),
      timeoutMs,
    );
    if (response.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
    expectSuccess(response, 'name server');
    return decodeTopicRouteData(response.body);
  }

  async sendHeartbeat(addr: string, heartbeat: unknown, timeoutMs = this.requestTimeoutMs): Promise<number> {
    const body = Buffer.from(toJavaJson(heartbeat), 'utf8');
    const response = await this.remoting.invoke(addr, this.request(RequestCode.HEART_BEAT, {}, body), timeoutMs);
    expectSuccess(response, addr);
    return response.version;
  }

  async unregisterClient(
    addr: string,
    clientID: string,
    groups: { producerGroup?: string; consumerGroup?: string },
    timeoutMs = this.requestTimeoutMs,
  ): Promise<void> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.UNREGISTER_CLIENT, { clientID, ...groups }),
      timeoutMs,
    );
    expectSuccess(response, addr);
  }

  async getConsumerIdListByGroup(
    addr: string,
    consumerGroup: string,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<string[]> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup }),
      timeoutMs,
    );
    expectSuccess(response, addr);
    const body = parseBodyJson(response);
    return Array.isArray(body.consumerIdList) ? body.consumerIdList.map(str) : [];
  }

  /** QUERY_CONSUMER_OFFSET; `undefined` when the broker has no offset for the group (QUERY_NOT_FOUND). */
  async queryConsumerOffset(
    addr: string,
    consumerGroup: string,
    mq: MessageQueue,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<number | undefined> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup,
        topic: mq.topic,
        queueId: mq.queueId,
        bname: mq.brokerName,
      }),
      timeoutMs,
    );
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    expectSuccess(response, addr);
    return extNumber(response, 'offset');
  }

  async updateConsumerOffset(
    addr: string,
    consumerGroup: string,
    mq: MessageQueue,
    commitOffset: number,
    oneway: boolean,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<void> {
    const req = this.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup,
      topic: mq.topic,
      queueId: mq.queueId,
      commitOffset,
      bname: mq.brokerName,
    });
    if (oneway) {
      await this.remoting.invokeOneway(addr, req, timeoutMs);
      return;
    }
    expectSuccess(await this.remoting.invoke(addr, req, timeoutMs), addr);
  }

  async getMaxOffset(addr: string, mq: MessageQueue, timeoutMs = this.requestTimeoutMs): Promise<number> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.GET_MAX_OFFSET, {
        topic: mq.topic,
        queueId: mq.queueId,
        committed: true,
        bname: mq.brokerName,
      }),
      timeoutMs,
    );
    return extNumber(expectSuccess(response, addr), 'offset');
  }

  async getMinOffset(addr: string, mq: MessageQueue, timeoutMs = this.requestTimeoutMs): Promise<number> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.GET_MIN_OFFSET, { topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }),
      timeoutMs,
    );
    return extNumber(expectSuccess(response, addr), 'offset');
  }

  async searchOffset(
    addr: string,
    mq: MessageQueue,
    timestamp: number,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<number> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
        topic: mq.topic,
        queueId: mq.queueId,
        timestamp,
        bname: mq.brokerName,
      }),
      timeoutMs,
    );
    return extNumber(expectSuccess(response, addr), 'offset');
  }

  async getEarliestMsgStoreTime(addr: string, mq: MessageQueue, timeoutMs = this.requestTimeoutMs): Promise<number> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: mq.topic, queueId: mq.queueId }),
      timeoutMs,
    );
    return extNumber(expectSuccess(response, addr), 'timestamp');
  }

  /** LOCK_BATCH_MQ: the subset of `mqs` this client now holds. */
  async lockBatchMQ(
    addr: string,
    consumerGroup: string,
    clientId: string,
    mqs: MessageQueue[],
    timeoutMs = this.requestTimeoutMs,
  ): Promise<MessageQueue[]> {
    const body = Buffer.from(toJavaJson({ clientId, consumerGroup, mqSet: mqs.map(mqJson), onlyThisBroker: false }));
    const response = await this.remoting.invoke(addr, this.request(RequestCode.LOCK_BATCH_MQ, {}, body), timeoutMs);
    expectSuccess(response, addr);
    const parsed = parseBodyJson(response);
    return (Array.isArray(parsed.lockOKMQSet) ? parsed.lockOKMQSet : []).filter(isPlainObject).map((m) => ({
      topic: str(m.topic),
      brokerName: str(m.brokerName),
      queueId: num(m.queueId),
    }));
  }

  async unlockBatchMQ(
    addr: string,
    consumerGroup: string,
    clientId: string,
    mqs: MessageQueue[],
    oneway: boolean,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<void> {
    const body = Buffer.from(toJavaJson({ clientId, consumerGroup, mqSet: mqs.map(mqJson), onlyThisBroker: false }));
    const req = this.request(RequestCode.UNLOCK_BATCH_MQ, {}, body);
    if (oneway) {
      await this.remoting.invokeOneway(addr, req, timeoutMs);
      return;
    }
    expectSuccess(await this.remoting.invoke(addr, req, timeoutMs), addr);
  }

  async consumerSendMessageBack(
    addr: string,
    args: {
      offset: number;
      group: string;
      delayLevel: number;
      originMsgId?: string;
      originTopic?: string;
      maxReconsumeTimes: number;
      brokerName?: string;
    },
    timeoutMs = this.requestTimeoutMs,
  ): Promise<void> {
    const response = await this.remoting.invoke(
      addr,
      this.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: args.offset,
        group: args.group,
        delayLevel: args.delayLevel,
        originMsgId: args.originMsgId,
        originTopic: args.originTopic,
        unitMode: false,
        maxReconsumeTimes: args.maxReconsumeTimes,
        // 5.x `RpcRequestHeader.bname`; 4.x brokers ignore it.
        ...(args.brokerName ? { bname: args.brokerName } : {}),
      }),
      timeoutMs,
    );
    expectSuccess(response, addr);
  }

  async endTransactionOneway(
    addr: string,
    header: {
      bname?: string;
      producerGroup: string;
      tranStateTableOffset: number;
      commitLogOffset: number;
      commitOrRollback: number;
      fromTransactionCheck: boolean;
      msgId: string;
      transactionId?: string;
    },
    remark: string | undefined,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<void> {
    const req = this.request(RequestCode.END_TRANSACTION, { ...header });
    if (remark) req.remark = remark;
    await this.remoting.invokeOneway(addr, req, timeoutMs);
  }
}

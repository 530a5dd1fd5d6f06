import {
  RequestCode,
  ResponseCode,
  decodeTopicRouteData,
  encodeRegisterBrokerBody,
  registerBrokerBodyCrc32,
  type DataVersion,
  type TopicConfig,
  type TopicRouteData,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import type { BrokerLogger } from '../logger';

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  /** `ip:port` clients use. */
  brokerAddr: string;
  /** `ip:port` of the HA service. */
  haServerAddr: string;
}

export interface RegisterBrokerResult {
  namesrvAddr: string;
  ok: boolean;
  /** Response code or the error message. */
  detail: string;
}

/**
 * The broker's calls to the name servers (Java `BrokerOuterAPI`): REGISTER_BROKER / UNREGISTER_BROKER to every
 * configured name server in parallel.
 */
export class BrokerOuterApi {
  readonly remotingClient: RemotingClient;
  private namesrvAddrList: string[] = [];

  constructor(
    private readonly logger: BrokerLogger,
    remotingClient?: RemotingClient,
  ) {
    this.remotingClient = remotingClient ?? new RemotingClient({ channelMaxIdleTimeMs: 0 });
  }

  start(): void {
    this.remotingClient.start();
  }

  async shutdown(): Promise<void> {
    await this.remotingClient.shutdown();
  }

  /** `host:port;host:port`. */
  updateNameServerAddressList(addrs: string | null): void {
    this.namesrvAddrList = (addrs ?? '')
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
  }

  getNameServerAddressList(): readonly string[] {
    return this.namesrvAddrList;
  }

  /**
   * GET_ROUTEINFO_BY_TOPIC from the name servers, first answer wins (Java `getTopicRouteInfoFromNameServer`).
   * Undefined when no name server is configured, none answers, or the topic has no route.
   */
  async getTopicRouteInfo(topic: string, timeoutMs: number): Promise<TopicRouteData | undefined> {
    for (const addr of this.namesrvAddrList) {
      try {
        const res = await this.remotingClient.invoke(
          addr,
          RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }),
          timeoutMs,
        );
        if (res.code === ResponseCode.SUCCESS && res.body) return decodeTopicRouteData(res.body);
        if (res.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
      } catch (err) {
        this.logger.warn(`getTopicRouteInfo(${topic}) from ${addr} failed: ${(err as Error).message}`);
      }
    }
    return undefined;
  }

  /** Registers the topic table with every name server. Never throws: failures are reported per name server. */
  async registerBrokerAll(
    id: BrokerIdentity,
    topicConfigTable: ReadonlyMap<string, TopicConfig>,
    dataVersion: DataVersion,
    timeoutMs: number,
  ): Promise<RegisterBrokerResult[]> {
    if (this.namesrvAddrList.length === 0) return [];
    const body = encodeRegisterBrokerBody({
      topicConfigSerializeWrapper: { topicConfigTable: Object.fromEntries(topicConfigTable), dataVersion },
      filterServerList: [],
    });
    const bodyCrc32 = registerBrokerBodyCrc32(body);
    return Promise.all(
      this.namesrvAddrList.map(async (namesrvAddr): Promise<RegisterBrokerResult> => {
        // Ext field order as the Java 5.x broker's HashMap writes it (see the broker-registration wire fixture).
        const request = RemotingCommand.createRequest(
          RequestCode.REGISTER_BROKER,
          {
            brokerId: id.brokerId,
            bodyCrc32,
            clusterName: id.clusterName,
            brokerAddr: id.brokerAddr,
            enableActingMaster: false,
            haServerAddr: id.haServerAddr,
            compressed: false,
            brokerName: id.brokerName,
          },
          body,
        );
        try {
          const response = await this.remotingClient.invoke(namesrvAddr, request, timeoutMs);
          const ok = response.code === ResponseCode.SUCCESS;
          if (!ok)
            this.logger.warn(
              `register broker to name server ${namesrvAddr} failed: ${response.code} ${response.remark ?? ''}`,
            );
          return { namesrvAddr, ok, detail: String(response.code) };
        } catch (err) {
          this.logger.warn(`register broker to name server ${namesrvAddr} failed: ${(err as Error).message}`);
          return { namesrvAddr, ok: false, detail: (err as Error).message };
        }
      }),
    );
  }

  async unregisterBrokerAll(id: BrokerIdentity, timeoutMs: number): Promise<void> {
    await Promise.all(
      this.namesrvAddrList.map(async (namesrvAddr) => {
        const request = RemotingCommand.createRequest(RequestCode.UNREGISTER_BROKER, {
          brokerId: id.brokerId,
          clusterName: id.clusterName,
          brokerAddr: id.brokerAddr,
          brokerName: id.brokerName,
        });
        try {
          await this.remotingClient.invoke(namesrvAddr, request, timeoutMs);
        } catch (err) {
          this.logger.warn(`unregister broker from name server ${namesrvAddr} failed: ${(err as Error).message}`);
        }
      }),
    );
  }
}

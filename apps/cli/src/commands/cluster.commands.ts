import type { CommandDef } from '../command';
import { keyValues, table } from '../output';

/** First number of a broker's `putTps`/`getTransferredTps` value (`"12.5 11.0 "`). */
function firstTps(v: string | undefined): string | undefined {
  return v?.trim().split(/\s+/)[0];
}

export const clusterList: CommandDef = {
  name: 'clusterList',
  description: 'List clusters and their brokers, with runtime figures',
  options: {},
  async run(ctx) {
    const admin = await ctx.admin();
    const info = await admin.examineBrokerClusterInfo();
    const brokers: Array<Record<string, unknown>> = [];
    for (const [cluster, names] of [...info.clusterAddrTable].sort(([a], [b]) => a.localeCompare(b))) {
      for (const brokerName of [...names].sort()) {
        const bd = info.brokerAddrTable.get(brokerName);
        for (const [brokerId, addr] of [...(bd?.brokerAddrs ?? new Map<number, string>())].sort(([a], [b]) => a - b)) {
          let stats: Record<string, string> | undefined;
          try {
            stats = await admin.fetchBrokerRuntimeStats(addr);
          } catch {
            stats = undefined; // a broker that does not answer still shows up in the list
          }
          brokers.push({
            cluster,
            brokerName,
            brokerId,
            addr,
            version: stats?.brokerVersionDesc,
            inTps: firstTps(stats?.putTps),
            outTps: firstTps(stats?.getTransferredTps ?? stats?.getTransferedTps),
            putTotalToday: stats?.msgPutTotalTodayNow,
            getTotalToday: stats?.msgGetTotalTodayNow,
            reachable: stats !== undefined,
          });
        }
      }
    }
    return {
      json: { brokers },
      text: table(
        ['Cluster Name', 'Broker Name', 'BID', 'Addr', 'Version', 'InTPS', 'OutTPS', 'PutTotalToday', 'GetTotalToday'],
        brokers.map((b) => [
          b.cluster as string,
          b.brokerName as string,
          b.brokerId as number,
          b.addr as string,
          (b.version as string | undefined) ?? (b.reachable ? '-' : 'unreachable'),
          b.inTps as string | undefined,
          b.outTps as string | undefined,
          b.putTotalToday as string | undefined,
          b.getTotalToday as string | undefined,
        ]),
      ),
    };
  },
};

export const brokerStatus: CommandDef = {
  name: 'brokerStatus',
  description: "Print a broker's runtime values (GET_BROKER_RUNTIME_INFO)",
  options: {
    brokerAddr: { short: 'b', type: 'string', arg: '<host:port>', description: 'broker address' },
    clusterName: { short: 'c', type: 'string', arg: '<cluster>', description: 'every master of this cluster' },
  },
  exactlyOneOf: [['brokerAddr', 'clusterName']],
  async run(ctx) {
    const admin = await ctx.admin();
    const addr = ctx.str('brokerAddr');
    const addrs = addr ? [addr] : await admin.masterAddrs(ctx.req('clusterName'));
    const out: Record<string, Record<string, string>> = {};
    for (const a of addrs) out[a] = await admin.fetchBrokerRuntimeStats(a);
    const sections = Object.entries(out).map(([a, stats]) => {
      const body = keyValues(Object.entries(stats).sort(([x], [y]) => x.localeCompare(y)));
      return addrs.length > 1 || !addr ? `# ${a}\n${body}` : body;
    });
    return { json: addr ? out[addr] : out, text: sections.join('\n\n') };
  },
};

/**
 * Interop probe: which request codes that an Apache RocketMQ 4.9.4 broker serves does a broker answer with
 * REQUEST_CODE_NOT_SUPPORTED? Sends every code once with empty headers (so handlers that need headers answer with an
 * error, which still counts as "served") and prints the unsupported ones. Not part of `npm test`:
 *
 *   node dist/test/interop/probe-codes.interop.js --broker 127.0.0.1:17911
 *
 * Exit code: number of unsupported codes (capped at 100).
 */
import { RequestCode, ResponseCode } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';

// The codes an Apache RocketMQ 4.9.4 broker registers (BrokerController + AdminBrokerProcessor, tag rocketmq-all-4.9.4),
// minus the ACL and filter-server administration that RocketNest does not claim to serve.
const JAVA_494_BROKER_CODES = [
  'CHECK_CLIENT_CONFIG',
  'CLEAN_EXPIRED_CONSUMEQUEUE',
  'CLEAN_UNUSED_TOPIC',
  'CLONE_GROUP_OFFSET',
  'CONSUMER_SEND_MSG_BACK',
  'CONSUME_MESSAGE_DIRECTLY',
  'DELETE_EXPIRED_COMMITLOG',
  'DELETE_SUBSCRIPTIONGROUP',
  'DELETE_TOPIC_IN_BROKER',
  'END_TRANSACTION',
  'GET_ALL_CONSUMER_OFFSET',
  'GET_ALL_DELAY_OFFSET',
  'GET_ALL_PRODUCER_INFO',
  'GET_ALL_SUBSCRIPTIONGROUP_CONFIG',
  'GET_ALL_TOPIC_CONFIG',
  'GET_BROKER_CONFIG',
  'GET_BROKER_CONSUME_STATS',
  'GET_BROKER_RUNTIME_INFO',
  'GET_CONSUMER_CONNECTION_LIST',
  'GET_CONSUMER_LIST_BY_GROUP',
  'GET_CONSUMER_RUNNING_INFO',
  'GET_CONSUME_STATS',
  'GET_EARLIEST_MSG_STORETIME',
  'GET_MAX_OFFSET',
  'GET_MIN_OFFSET',
  'GET_PRODUCER_CONNECTION_LIST',
  'GET_SYSTEM_TOPIC_LIST_FROM_BROKER',
  'GET_TOPIC_STATS_INFO',
  'HEART_BEAT',
  'INVOKE_BROKER_TO_GET_CONSUMER_STATUS',
  'INVOKE_BROKER_TO_RESET_OFFSET',
  'LOCK_BATCH_MQ',
  'PULL_MESSAGE',
  'QUERY_CONSUMER_OFFSET',
  'QUERY_CONSUME_QUEUE',
  'QUERY_CONSUME_TIME_SPAN',
  'QUERY_CORRECTION_OFFSET',
  'QUERY_MESSAGE',
  'QUERY_TOPIC_CONSUME_BY_WHO',
  'RESUME_CHECK_HALF_MESSAGE',
  'SEARCH_OFFSET_BY_TIMESTAMP',
  'SEND_BATCH_MESSAGE',
  'SEND_MESSAGE',
  'SEND_MESSAGE_V2',
  'SEND_REPLY_MESSAGE',
  'SEND_REPLY_MESSAGE_V2',
  'UNLOCK_BATCH_MQ',
  'UNREGISTER_CLIENT',
  'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP',
  'UPDATE_AND_CREATE_TOPIC',
  'UPDATE_BROKER_CONFIG',
  'UPDATE_CONSUMER_OFFSET',
  'VIEW_BROKER_STATS_DATA',
  'VIEW_MESSAGE_BY_ID',
];

async function main(): Promise<number> {
  const i = process.argv.indexOf('--broker');
  const broker = i >= 0 ? process.argv[i + 1] : undefined;
  if (!broker) throw new Error('usage: probe-codes.interop.js --broker host:port');
  const codes = RequestCode as unknown as Record<string, number>;
  const client = new RemotingClient();
  const unsupported: string[] = [];
  try {
    for (const name of JAVA_494_BROKER_CODES) {
      const code = codes[name];
      if (code === undefined) {
        unsupported.push(`${name} (no such RequestCode in @rocketnest/common)`);
        continue;
      }
      const response = await client.invoke(broker, RemotingCommand.createRequest(code, {}), 5000);
      const notSupported =
        response.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED && /not supported/.test(response.remark ?? '');
      console.log(
        `${notSupported ? 'UNSUPPORTED' : 'served     '} ${code} ${name} -> ${response.code} ${response.remark ?? ''}`,
      );
      if (notSupported) unsupported.push(`${name} (${code})`);
    }
  } finally {
    await client.shutdown();
  }
  console.log(JSON.stringify({ broker, probed: JAVA_494_BROKER_CODES.length, unsupported }));
  return unsupported.length;
}

main().then(
  (n) => process.exit(Math.min(n, 100)),
  (err: unknown) => {
    console.error(err);
    process.exit(101);
  },
);

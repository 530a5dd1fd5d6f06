import {
  MessageConst,
  MessageExt,
  MessageSysFlag,
  decodeMessageProperties,
  decompressBody,
  parseHostString,
  type HostAddress,
} from '@rocketnest/common';
import type { RemotingCommand } from '@rocketnest/remoting';

function host(text: string | undefined, fallback: string): HostAddress {
  try {
    return parseHostString(text ?? fallback);
  } catch {
    return { address: '0.0.0.0', port: 0 };
  }
}

/**
 * A PUSH_REPLY_MESSAGE_TO_CLIENT request (header `ReplyMessageRequestHeader`, body = message body) as a MessageExt
 * (Java `ClientRemotingProcessor.receiveReplyMessage`).
 */
export function decodeReplyMessage(req: RemotingCommand, remoteAddr: string): MessageExt {
  const h = req.extFields ?? {};
  const sysFlag = Number(h.sysFlag ?? 0);
  let body = req.body ?? Buffer.alloc(0);
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0) body = decompressBody(body, sysFlag);
  const msg = new MessageExt({
    topic: h.topic ?? '',
    body,
    flag: Number(h.flag ?? 0),
    queueId: Number(h.queueId ?? 0),
    sysFlag,
    bornTimestamp: Number(h.bornTimestamp ?? 0),
    bornHost: host(h.bornHost, '0.0.0.0:0'),
    storeHost: host(h.storeHost, remoteAddr),
    storeTimestamp: Number(h.storeTimestamp ?? 0),
    reconsumeTimes: Number(h.reconsumeTimes ?? 0),
  });
  msg.properties = decodeMessageProperties(h.properties);
  msg.putProperty(MessageConst.ARRIVE_TIME, String(Date.now()));
  msg.msgId = msg.getProperty(MessageConst.UNIQ_KEY) ?? '';
  return msg;
}

import {
  PullMessageRequestHeader,
  RequestCode,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
} from '@rocketnest/common';
import type { RemotingCommand } from '@rocketnest/remoting';

export type SendHeader = SendMessageRequestHeader;
export type PullHeader = PullMessageRequestHeader;

/** The send header in its long form, whichever code carried it (V2 short keys for 310/320/325). */
export function decodeSendMessageHeader(request: RemotingCommand): SendHeader {
  switch (request.code) {
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE:
    case RequestCode.SEND_REPLY_MESSAGE_V2:
      return SendMessageRequestHeaderV2.toV1(SendMessageRequestHeaderV2.decode(request.extFields));
    default:
      return SendMessageRequestHeader.decode(request.extFields);
  }
}

export function decodePullMessageHeader(request: RemotingCommand): PullHeader {
  return PullMessageRequestHeader.decode(request.extFields);
}

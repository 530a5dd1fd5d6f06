import {
  QueryMessageRequestHeader,
  ResponseCode,
  UNIQUE_KEY_QUERY,
  ViewMessageRequestHeader,
} from '@rocketnest/common';
import { RemotingCommand } from '@rocketnest/remoting';
import type { BrokerController } from '../broker-controller';
import { errorResponse } from './processor-util';

/** QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) — Java `QueryMessageProcessor`. */
export class QueryMessageProcessor {
  constructor(private readonly broker: BrokerController) {}

  async queryMessage(request: RemotingCommand): Promise<RemotingCommand> {
    const header = QueryMessageRequestHeader.decode(request.extFields);
    let maxNum = header.maxNum;
    if (request.extFields?.[UNIQUE_KEY_QUERY] === 'true') maxNum = this.broker.brokerConfig.defaultQueryMaxNum;
    const result = await this.broker.messageStore.queryMessage(
      header.topic,
      header.key,
      maxNum,
      header.beginTimestamp,
      header.endTimestamp,
    );
    // Ext field order as the Java broker writes them (admin wire fixture).
    const ext = {
      indexLastUpdatePhyoffset: String(result.indexLastUpdatePhyoffset),
      indexLastUpdateTimestamp: String(result.indexLastUpdateTimestamp),
    };
    if (result.messageBuffers.length > 0) {
      const response = errorResponse(ResponseCode.SUCCESS, undefined, ext);
      response.body = Buffer.concat(result.messageBuffers);
      return response;
    }
    return errorResponse(ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct', ext);
  }

  async viewMessageById(request: RemotingCommand): Promise<RemotingCommand> {
    const header = ViewMessageRequestHeader.decode(request.extFields);
    const record = await this.broker.messageStore.selectOneMessageByOffset(header.offset);
    if (record) {
      const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      response.body = record;
      return response;
    }
    return RemotingCommand.createResponse(
      ResponseCode.SYSTEM_ERROR,
      `can not find message by the offset, ${header.offset}`,
    );
  }
}

import type { CommandDef } from '../command';
import { brokerStatus, clusterList } from './cluster.commands';
import {
  consumerConnection,
  consumerProgress,
  deleteSubGroup,
  resetOffsetByTime,
  updateSubGroup,
} from './group.commands';
import { consumeMessage, queryMsgById, queryMsgByKey, queryMsgByUniqueKey, sendMessage } from './message.commands';
import { deleteTopic, topicList, topicRoute, topicStatus, updateTopic } from './topic.commands';

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly CommandDef[] = [
  clusterList,
  brokerStatus,
  topicList,
  topicRoute,
  topicStatus,
  updateTopic,
  deleteTopic,
  updateSubGroup,
  deleteSubGroup,
  consumerProgress,
  consumerConnection,
  resetOffsetByTime,
  sendMessage,
  consumeMessage,
  queryMsgById,
  queryMsgByKey,
  queryMsgByUniqueKey,
];

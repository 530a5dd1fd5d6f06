/** Java `MessageModel`: each message to one member of the group, or to every member. */
export const MessageModel = { CLUSTERING: 'CLUSTERING', BROADCASTING: 'BROADCASTING' } as const;
export type MessageModel = (typeof MessageModel)[keyof typeof MessageModel];

/** Java `ConsumeFromWhere`: where a group with no stored offset starts. */
export const ConsumeFromWhere = {
  CONSUME_FROM_LAST_OFFSET: 'CONSUME_FROM_LAST_OFFSET',
  CONSUME_FROM_FIRST_OFFSET: 'CONSUME_FROM_FIRST_OFFSET',
  CONSUME_FROM_TIMESTAMP: 'CONSUME_FROM_TIMESTAMP',
} as const;
export type ConsumeFromWhere = (typeof ConsumeFromWhere)[keyof typeof ConsumeFromWhere];

/** Java `ConsumeType`, sent in heartbeats. */
export const ConsumeType = { CONSUME_ACTIVELY: 'CONSUME_ACTIVELY', CONSUME_PASSIVELY: 'CONSUME_PASSIVELY' } as const;
export type ConsumeType = (typeof ConsumeType)[keyof typeof ConsumeType];

/** Result of a concurrent listener (Java `ConsumeConcurrentlyStatus`). */
export const ConsumeConcurrentlyStatus = {
  CONSUME_SUCCESS: 'CONSUME_SUCCESS',
  RECONSUME_LATER: 'RECONSUME_LATER',
} as const;
export type ConsumeConcurrentlyStatus = (typeof ConsumeConcurrentlyStatus)[keyof typeof ConsumeConcurrentlyStatus];

/** Result of an orderly listener (Java `ConsumeOrderlyStatus`; ROLLBACK/COMMIT are deprecated in Java). */
export const ConsumeOrderlyStatus = {
  SUCCESS: 'SUCCESS',
  SUSPEND_CURRENT_QUEUE_A_MOMENT: 'SUSPEND_CURRENT_QUEUE_A_MOMENT',
  ROLLBACK: 'ROLLBACK',
  COMMIT: 'COMMIT',
} as const;
export type ConsumeOrderlyStatus = (typeof ConsumeOrderlyStatus)[keyof typeof ConsumeOrderlyStatus];

/** Java `ExpressionType`. */
export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;
export type ExpressionType = (typeof ExpressionType)[keyof typeof ExpressionType];

/** A subscription filter (Java `MessageSelector`): a tag expression (`*`, `a || b`) or an SQL92 condition. */
export class MessageSelector {
  private constructor(
    readonly type: ExpressionType,
    readonly expression: string,
  ) {}

  static byTag(expression = '*'): MessageSelector {
    return new MessageSelector(ExpressionType.TAG, expression);
  }

  static bySql(expression: string): MessageSelector {
    return new MessageSelector(ExpressionType.SQL92, expression);
  }
}

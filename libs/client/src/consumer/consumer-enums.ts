import { ExpressionType } from '@rocketnest/common';

// MessageModel, ConsumeFromWhere and ConsumeType travel in heartbeats: one definition, in @rocketnest/common.
export { MessageModel, ConsumeFromWhere, ConsumeType } from '@rocketnest/common';

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

export { ExpressionType };

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

import { MessageConst, peekRecordHeader, readRecordProperties, type SubscriptionData } from '@rocketnest/common';
import type { MessageFilter } from '@rocketnest/store';

/** Evaluates an SQL92 expression against message properties (installed by the semantics part). */
export type Sql92Predicate = (properties: Record<string, string>) => boolean;

/**
 * Java `ExpressionMessageFilter`: TAG subscriptions match by the consume queue's tags code against the subscription's
 * `codeSet`, then — unlike Java, which leaves it to the client — the tag string is re-checked against `tagsSet` on
 * the stored record, so a hash collision never delivers a foreign tag. SQL92 subscriptions match on the record's
 * properties.
 */
export class ExpressionMessageFilter implements MessageFilter {
  private readonly codeSet: ReadonlySet<number>;
  private readonly tagsSet: ReadonlySet<string>;
  private readonly all: boolean;
  private readonly isTag: boolean;

  constructor(
    private readonly subscription: SubscriptionData | undefined,
    private readonly sql92?: Sql92Predicate,
  ) {
    this.isTag = !subscription || !subscription.expressionType || subscription.expressionType === 'TAG';
    this.all =
      !subscription || subscription.classFilterMode || subscription.subString === '*' || subscription.subString === '';
    this.codeSet = new Set(subscription?.codeSet ?? []);
    this.tagsSet = new Set(subscription?.tagsSet ?? []);
  }

  isMatchedByConsumeQueue(tagsCode: number | null | undefined): boolean {
    if (!this.subscription || !this.isTag || this.all) return true;
    if (tagsCode === null || tagsCode === undefined) return true;
    return this.codeSet.has(tagsCode);
  }

  isMatchedByCommitLog(record: Buffer | null | undefined, properties?: Record<string, string> | null): boolean {
    if (!this.subscription) return true;
    if (this.isTag) {
      if (this.all) return true;
      const props = properties ?? recordProperties(record);
      if (!props) return true;
      const tag = props[MessageConst.TAGS];
      return tag !== undefined && this.tagsSet.has(tag);
    }
    if (!this.sql92) return true;
    const props = properties ?? recordProperties(record);
    if (!props) return true;
    try {
      return this.sql92(props);
    } catch {
      return false;
    }
  }
}

function recordProperties(record: Buffer | null | undefined): Record<string, string> | undefined {
  if (!record) return undefined;
  try {
    const header = peekRecordHeader(record, 0);
    return header ? readRecordProperties(record, header) : undefined;
  } catch {
    return undefined;
  }
}

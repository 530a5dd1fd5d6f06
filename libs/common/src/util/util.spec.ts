import * as fs from 'node:fs';
import * as path from 'node:path';
import { MQClientError, RocketMQError } from '../errors/rocketmq-error';
import { DEFAULT_MESSAGE_DELAY_LEVEL, delayLevelToMs, parseDelayLevels } from './delay-level';
import {
  buildSubscriptionData,
  isSubscribeAll,
  isTagMatched,
  isTagsCodeMatched,
  javaHashSetOrder,
  parseTags,
} from './filter-api';
import { javaStringHashCode, tagsString2tagsCode } from './java-hash';
import {
  groupNameInvalidRemark,
  isGroupNameValid,
  isTopicNameValid,
  topicNameInvalidRemark,
  validateGroup,
  validateTopic,
} from './validators';

interface TagFixture {
  tags: Array<{ tag: string; utf8Hex: string; utf16Units: number; hashCode: number }>;
  subscriptionData: Array<{
    subString: string;
    resultSubString?: string;
    tagsSet?: string[];
    codeSet?: number[];
    expressionType?: string;
    exception?: string;
  }>;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'tag-hashcodes.json'), 'utf8'),
) as TagFixture;

describe('javaStringHashCode', () => {
  it.each(fixture.tags.map((t) => [JSON.stringify(t.tag), t] as const))('%s matches Java String.hashCode', (_n, t) => {
    expect(Buffer.from(t.tag, 'utf8').toString('hex')).toBe(t.utf8Hex);
    expect(t.tag.length).toBe(t.utf16Units);
    expect(javaStringHashCode(t.tag)).toBe(t.hashCode);
  });

  it('gives 0 as the tags code of a message without a tag', () => {
    expect(tagsString2tagsCode(undefined)).toBe(0);
    expect(tagsString2tagsCode('')).toBe(0);
    expect(tagsString2tagsCode('TagA')).toBe(2598919);
  });
});

describe('buildSubscriptionData (Java FilterAPI)', () => {
  it.each(fixture.subscriptionData.map((c) => [JSON.stringify(c.subString), c] as const))(
    '%s matches Java',
    (_n, c) => {
      if (c.exception) {
        expect(() => buildSubscriptionData('T', c.subString)).toThrow(MQClientError);
        return;
      }
      const sd = buildSubscriptionData('T', c.subString, undefined, 42);
      expect(sd).toEqual({
        topic: 'T',
        subString: c.resultSubString,
        tagsSet: c.tagsSet,
        codeSet: c.codeSet,
        expressionType: c.expressionType,
        subVersion: 42,
        classFilterMode: false,
      });
    },
  );

  it('keeps SQL92 expressions as they are and requires one', () => {
    const sd = buildSubscriptionData('T', 'a > 1', 'SQL92', 7);
    expect(sd).toEqual({
      topic: 'T',
      subString: 'a > 1',
      tagsSet: [],
      codeSet: [],
      expressionType: 'SQL92',
      subVersion: 7,
      classFilterMode: false,
    });
    expect(() => buildSubscriptionData('T', '', 'SQL92')).toThrow(MQClientError);
    expect(buildSubscriptionData('T', 'TagA', 'TAG').tagsSet).toEqual(['TagA']);
  });

  it('dedupes hash collisions in codeSet but not in tagsSet', () => {
    const sd = buildSubscriptionData('T', 'Aa || BB');
    expect([...sd.tagsSet].sort()).toEqual(['Aa', 'BB']);
    expect(sd.codeSet).toEqual([2112]);
  });

  it('orders like a Java HashSet, also past a resize', () => {
    // Integer keys hash to themselves: 13 keys in a 16-bucket table force a resize to 32.
    const keys = [31, 15, 1, 17, 33, 2, 18, 3, 19, 4, 20, 5, 21];
    expect(javaHashSetOrder(keys, (k) => k)).toEqual([1, 33, 2, 3, 4, 5, 15, 17, 18, 19, 20, 21, 31]);
    expect(javaHashSetOrder(keys.slice(0, 12), (k) => k)).toEqual([1, 17, 33, 2, 18, 3, 19, 4, 20, 5, 31, 15]);
  });

  it('parses tag lists and matches tags like the client and the broker', () => {
    expect(parseTags('*')).toEqual([]);
    expect(parseTags(' a ||b|| a ||\tc\n')).toEqual(['a', 'b', 'c']);
    expect(parseTags('|||')).toEqual(['|']);
    expect(() => parseTags('||||')).toThrow(MQClientError);
    const sub = buildSubscriptionData('T', 'TagA || TagB');
    expect(isTagMatched(sub, 'TagA')).toBe(true);
    expect(isTagMatched(sub, 'TagC')).toBe(false);
    expect(isTagMatched(sub, undefined)).toBe(false);
    expect(isTagsCodeMatched(sub, javaStringHashCode('TagB'))).toBe(true);
    expect(isTagsCodeMatched(sub, javaStringHashCode('TagC'))).toBe(false);
    expect(isTagsCodeMatched(sub, undefined)).toBe(true);
    const all = buildSubscriptionData('T', '*');
    expect(isSubscribeAll(all)).toBe(true);
    expect(isTagMatched(all, 'anything')).toBe(true);
    expect(isTagsCodeMatched(all, 123)).toBe(true);
    expect(isTagsCodeMatched(undefined, 123)).toBe(true);
    const onlySeparators = buildSubscriptionData('T', ' || ');
    expect(onlySeparators.subString).toBe(' || ');
    expect(isTagsCodeMatched(onlySeparators, 0)).toBe(false);
  });
});

describe('topic and group validation', () => {
  it('accepts good names', () => {
    expect(() => validateTopic('Topic_Test-1|%x')).not.toThrow();
    expect(() => validateGroup('group_1')).not.toThrow();
    expect(() => validateTopic('t'.repeat(127))).not.toThrow();
    expect(isTopicNameValid('%RETRY%' + 'g'.repeat(200))).toBe(true);
    expect(isGroupNameValid('g'.repeat(120))).toBe(true);
  });

  it.each([
    ['', /blank/],
    ['   ', /blank/],
    ['t'.repeat(128), /max length 127/],
    ['has space', /illegal characters/],
    ['dot.ted', /illegal characters/],
    ['ünï', /illegal characters/],
    ['TBW102', /auto-create template/],
  ])('rejects topic %j on the client', (topic, pattern) => {
    expect(() => validateTopic(topic)).toThrow(MQClientError);
    expect(() => validateTopic(topic)).toThrow(pattern);
  });

  it('refuses sending to internal system topics only when asked', () => {
    expect(() => validateTopic('SCHEDULE_TOPIC_XXXX')).not.toThrow();
    expect(() => validateTopic('SCHEDULE_TOPIC_XXXX', { forSend: true })).toThrow(/forbidden/);
  });

  it('rejects bad groups', () => {
    expect(() => validateGroup('')).toThrow(/blank/);
    expect(() => validateGroup('g'.repeat(121))).toThrow(/max length 120/);
    expect(() => validateGroup('a/b')).toThrow(/illegal characters/);
    expect(groupNameInvalidRemark('a b')).toMatch(/illegal/);
    expect(isGroupNameValid('g'.repeat(121))).toBe(false);
  });

  it('applies the broker TopicValidator rules', () => {
    expect(topicNameInvalidRemark('TBW102')).toBeUndefined();
    expect(topicNameInvalidRemark('')).toBe('The specified topic is blank.');
    expect(topicNameInvalidRemark('a b')).toMatch(/contains illegal characters/);
    expect(topicNameInvalidRemark('t'.repeat(128))).toMatch(/longer than topic max length: 127/);
    expect(topicNameInvalidRemark('%DLQ%' + 'g'.repeat(251))).toMatch(/DLQ or Retry topic/);
    expect(isTopicNameValid('%DLQ%' + 'g'.repeat(250))).toBe(true);
  });
});

describe('delay levels', () => {
  it('parses the broker default into 18 levels', () => {
    const levels = parseDelayLevels(DEFAULT_MESSAGE_DELAY_LEVEL);
    expect(levels).toHaveLength(18);
    expect(levels.slice(0, 5)).toEqual([1000, 5000, 10000, 30000, 60000]);
    expect(levels[17]).toBe(2 * 3600 * 1000);
    expect(delayLevelToMs(levels, 3)).toBe(10000);
    expect(delayLevelToMs(levels, 99)).toBe(7200000);
    expect(delayLevelToMs(levels, 0)).toBe(0);
    expect(parseDelayLevels(' 1d  2h ')).toEqual([86400000, 7200000]);
  });

  it.each(['', '1x', 's', '1.5s', '-1s', '1s, 2s'])('rejects %j with a clear error', (bad) => {
    expect(() => parseDelayLevels(bad)).toThrow(RocketMQError);
  });
});

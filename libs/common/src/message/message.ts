/**
 * The message model: `Message` (what users send), `MessageExt` (a stored or received message with its broker-side
 * fields) and `MessageExtBrokerInner` (what the broker hands the store). Mirrors Java `Message`, `MessageExt`,
 * `MessageClientExt` and `MessageExtBrokerInner`.
 */
import { MQClientError } from '../errors/rocketmq-error';
import { ResponseCode } from '../protocol/response-code';
import { tagsString2tagsCode } from '../util/java-hash';
import { KEY_SEPARATOR, MessageConst, SYSTEM_PROPERTY_KEYS } from './message-const';
import { encodeMessageProperties, setOwnProperty } from './message-properties';
import { HostAddress, hostToString } from './host-address';

const EMPTY_BODY = Buffer.alloc(0);

/** Options of `new Message(topic, body, options)`. */
export interface MessageOptions {
  /** Sets the TAGS property when non-empty. */
  tags?: string;
  /** Sets the KEYS property when non-empty; several keys are joined with one space. */
  keys?: string | readonly string[];
  /** User flag (int32), stored as is. Default 0. */
  flag?: number;
  /** Sets the WAIT property. Default true, as in Java. */
  waitStoreMsgOK?: boolean;
  /** User properties, checked like `putUserProperty`. */
  properties?: Readonly<Record<string, string>>;
}

function toBody(body: Buffer | Uint8Array | string | undefined): Buffer {
  if (body === undefined) return EMPTY_BODY;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function parseIntProperty(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new MQClientError(`Property ${name} is not an integer: "${value}"`);
  return n;
}

function checkNonNegativeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MQClientError(`${what} must be a non-negative integer, got ${value}`, {
      responseCode: ResponseCode.MESSAGE_ILLEGAL,
    });
  }
}

/**
 * A message to send (Java `Message`). `properties` is a plain object in insertion order; system properties are set
 * through the accessors, user properties through `putUserProperty`.
 */
export class Message {
  topic: string;
  body: Buffer;
  /** User flag (int32). */
  flag: number;
  properties: Record<string, string>;
  /** Transaction id of a transactional send (not a property; Java keeps it as a field too). */
  transactionId: string | undefined;

  /**
   * `new Message()` has no properties at all (Java's no-arg constructor); `new Message(topic, body)` sets WAIT=true
   * like Java's other constructors.
   */
  constructor(topic?: string, body?: Buffer | Uint8Array | string, options: MessageOptions = {}) {
    this.topic = topic ?? '';
    this.body = toBody(body);
    this.flag = options.flag ?? 0;
    this.properties = {};
    this.transactionId = undefined;
    if (topic === undefined) return;
    if (options.tags) this.tags = options.tags;
    if (options.keys !== undefined && options.keys.length > 0) this.keys = options.keys;
    this.waitStoreMsgOK = options.waitStoreMsgOK ?? true;
    if (options.properties) {
      for (const [name, value] of Object.entries(options.properties)) this.putUserProperty(name, value);
    }
  }

  /** Sets any property, system ones included (Java `MessageAccessor.putProperty`). */
  putProperty(name: string, value: string): void {
    setOwnProperty(this.properties, name, value);
  }

  getProperty(name: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.properties, name) ? this.properties[name] : undefined;
  }

  hasProperty(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.properties, name);
  }

  clearProperty(name: string): void {
    delete this.properties[name];
  }

  /**
   * Sets a user property. Throws MQClientError for names reserved by the system (`SYSTEM_PROPERTY_KEYS`) and for
   * blank names or values, as Java `putUserProperty` does.
   */
  putUserProperty(name: string, value: string): void {
    if (SYSTEM_PROPERTY_KEYS.has(name)) {
      throw new MQClientError(`The property "${name}" is used by the system; choose another name`);
    }
    if (typeof value !== 'string' || value.trim() === '' || typeof name !== 'string' || name.trim() === '') {
      throw new MQClientError('The name or value of a property can not be null or blank');
    }
    this.putProperty(name, value);
  }

  getUserProperty(name: string): string | undefined {
    return this.getProperty(name);
  }

  get tags(): string | undefined {
    return this.getProperty(MessageConst.TAGS);
  }
  set tags(tags: string | undefined) {
    if (tags === undefined) this.clearProperty(MessageConst.TAGS);
    else this.putProperty(MessageConst.TAGS, tags);
  }

  /** The KEYS property: several keys separated by one space. */
  get keys(): string | undefined {
    return this.getProperty(MessageConst.KEYS);
  }
  set keys(keys: string | readonly string[] | undefined) {
    if (keys === undefined) this.clearProperty(MessageConst.KEYS);
    else this.putProperty(MessageConst.KEYS, typeof keys === 'string' ? keys : keys.join(KEY_SEPARATOR));
  }

  /** The keys as a list (KEYS split on spaces, empty entries dropped). */
  get keyList(): string[] {
    const keys = this.keys;
    return keys ? keys.split(KEY_SEPARATOR).filter((k) => k.length > 0) : [];
  }

  /** Delay level (DELAY property), 0 when not delayed. Levels map to `messageDelayLevel` (1 = 1 s ... 18 = 2 h). */
  get delayTimeLevel(): number {
    return parseIntProperty(this.getProperty(MessageConst.DELAY), MessageConst.DELAY);
  }
  set delayTimeLevel(level: number) {
    if (!Number.isInteger(level)) throw new MQClientError(`Delay level must be an integer, got ${level}`);
    this.putProperty(MessageConst.DELAY, String(level));
  }

  /** WAIT property; true when absent, as in Java. */
  get waitStoreMsgOK(): boolean {
    const v = this.getProperty(MessageConst.WAIT);
    return v === undefined ? true : v.toLowerCase() === 'true';
  }
  set waitStoreMsgOK(wait: boolean) {
    this.putProperty(MessageConst.WAIT, wait ? 'true' : 'false');
  }

  get buyerId(): string | undefined {
    return this.getProperty(MessageConst.BUYER_ID);
  }
  set buyerId(buyerId: string | undefined) {
    if (buyerId === undefined) this.clearProperty(MessageConst.BUYER_ID);
    else this.putProperty(MessageConst.BUYER_ID, buyerId);
  }

  set instanceId(instanceId: string) {
    this.putProperty(MessageConst.INSTANCE_ID, instanceId);
  }
  get instanceId(): string | undefined {
    return this.getProperty(MessageConst.INSTANCE_ID);
  }

  /** 5.x timer message: deliver `sec` seconds after sending (TIMER_DELAY_SEC). 0 when unset. */
  get delayTimeSec(): number {
    return parseIntProperty(this.getProperty(MessageConst.TIMER_DELAY_SEC), MessageConst.TIMER_DELAY_SEC);
  }
  set delayTimeSec(sec: number) {
    checkNonNegativeInteger(sec, 'Delay seconds');
    this.putProperty(MessageConst.TIMER_DELAY_SEC, String(sec));
  }

  /** 5.x timer message: deliver `ms` milliseconds after sending (TIMER_DELAY_MS). 0 when unset. */
  get delayTimeMs(): number {
    return parseIntProperty(this.getProperty(MessageConst.TIMER_DELAY_MS), MessageConst.TIMER_DELAY_MS);
  }
  set delayTimeMs(ms: number) {
    checkNonNegativeInteger(ms, 'Delay milliseconds');
    this.putProperty(MessageConst.TIMER_DELAY_MS, String(ms));
  }

  /** 5.x timer message: deliver at this epoch ms (TIMER_DELIVER_MS). 0 when unset. */
  get deliverTimeMs(): number {
    return parseIntProperty(this.getProperty(MessageConst.TIMER_DELIVER_MS), MessageConst.TIMER_DELIVER_MS);
  }
  set deliverTimeMs(epochMs: number) {
    checkNonNegativeInteger(epochMs, 'Deliver time');
    this.putProperty(MessageConst.TIMER_DELIVER_MS, String(epochMs));
  }

  /** Java-style setters, for readers coming from the Java client. */
  setTags(tags: string): this {
    this.tags = tags;
    return this;
  }
  setKeys(keys: string | readonly string[]): this {
    this.keys = keys;
    return this;
  }
  setDelayTimeLevel(level: number): this {
    this.delayTimeLevel = level;
    return this;
  }
  setDelayTimeSec(sec: number): this {
    this.delayTimeSec = sec;
    return this;
  }
  setDelayTimeMs(ms: number): this {
    this.delayTimeMs = ms;
    return this;
  }
  setDeliverTimeMs(epochMs: number): this {
    this.deliverTimeMs = epochMs;
    return this;
  }
  setWaitStoreMsgOK(wait: boolean): this {
    this.waitStoreMsgOK = wait;
    return this;
  }
}

/** Fields of a stored record besides topic, body, flag and properties (the Java `MessageExt` fields). */
export interface MessageExtFields {
  queueId: number;
  /** Total record size in bytes (TOTALSIZE). */
  storeSize: number;
  /** Logical offset in the consume queue. */
  queueOffset: number;
  sysFlag: number;
  /** Producer time, epoch ms. */
  bornTimestamp: number;
  bornHost: HostAddress;
  /** Broker time, epoch ms. */
  storeTimestamp: number;
  storeHost: HostAddress;
  /** Client-visible id: UNIQ_KEY when decoded for a client and present, else `offsetMsgId`. */
  msgId: string;
  /** Offset msgId (store host + commit-log offset). */
  offsetMsgId: string;
  /** Commit-log offset of the record (PHYSICALOFFSET). */
  commitLogOffset: number;
  /** CRC32 of the stored body & 0x7FFFFFFF. */
  bodyCRC: number;
  reconsumeTimes: number;
  /** Commit-log offset of the half message (commit/rollback records); else 0. */
  preparedTransactionOffset: number;
  /** Broker that stored it, when known (5.x `MessageExt.brokerName`). */
  brokerName: string;
}

const ZERO_HOST: HostAddress = Object.freeze({ address: '0.0.0.0', port: 0 });

/** A stored or received message (Java `MessageExt` / `MessageClientExt`). */
export class MessageExt extends Message implements MessageExtFields {
  queueId = 0;
  storeSize = 0;
  queueOffset = 0;
  sysFlag = 0;
  bornTimestamp = 0;
  bornHost: HostAddress = ZERO_HOST;
  storeTimestamp = 0;
  storeHost: HostAddress = ZERO_HOST;
  msgId = '';
  offsetMsgId = '';
  commitLogOffset = 0;
  bodyCRC = 0;
  reconsumeTimes = 0;
  preparedTransactionOffset = 0;
  brokerName = '';

  constructor(init?: Partial<MessageExtFields> & { topic?: string; body?: Buffer; flag?: number }) {
    super();
    if (init) Object.assign(this, init);
  }

  /** `127.0.0.1:48742` / `[2001:db8:0:0:0:0:0:10]:50000`. */
  get bornHostString(): string {
    return hostToString(this.bornHost);
  }

  get storeHostString(): string {
    return hostToString(this.storeHost);
  }

  /** UNIQ_KEY if set, else the offset msgId (what Java's `MessageClientExt.getMsgId` returns). */
  get uniqKeyOrOffsetMsgId(): string {
    return this.getProperty(MessageConst.UNIQ_KEY) ?? this.offsetMsgId;
  }
}

/**
 * What the broker hands the store (Java `MessageExtBrokerInner`): a `MessageExt` plus the encoded properties string
 * (written to the record as is) and the consume-queue tags code.
 */
export class MessageExtBrokerInner extends MessageExt {
  /** Properties as written to the record; `syncPropertiesString()` rebuilds it from `properties`. */
  propertiesString = '';
  /** Consume-queue tags code: hash of TAGS, or the delivery time for delayed messages. */
  tagsCode = 0;

  /** Re-encodes `properties` into `propertiesString` (5.x form) and returns it. */
  syncPropertiesString(): string {
    this.propertiesString = encodeMessageProperties(this.properties);
    return this.propertiesString;
  }

  /** Sets `tagsCode` from the TAGS property (0 without a tag) and returns it. */
  syncTagsCode(): number {
    this.tagsCode = tagsString2tagsCode(this.tags);
    return this.tagsCode;
  }
}

import { MessageConst, type MessageExtBrokerInner, ResponseCode, SystemTopic } from '@rocketnest/common';
import { isPreparedOrRollback } from '../util/message-util';
import { timerHopFor } from './timer-message.service';

export interface DelayTransformConfig {
  /** Highest delay level (levels above are clamped to it). */
  maxDelayLevel: number;
  /** 5.x `timerWheelEnable` (default true): timer properties are refused when false. */
  timerWheelEnable: boolean;
  /** 5.x `timerPrecisionMs` (default 1000): delivery times are rounded down to a multiple of it. */
  timerPrecisionMs: number;
  /** 5.x `timerMaxDelaySec` (default 259 200 = 3 days). */
  timerMaxDelaySec: number;
  now?: () => number;
}

/** A refusal, as the send processor answers it. */
export interface PutRefusal {
  code: number;
  remark: string;
}

function hasTimerProperty(msg: MessageExtBrokerInner): boolean {
  return (
    msg.hasProperty(MessageConst.TIMER_DELIVER_MS) ||
    msg.hasProperty(MessageConst.TIMER_DELAY_MS) ||
    msg.hasProperty(MessageConst.TIMER_DELAY_SEC)
  );
}

function parseLongProperty(msg: MessageExtBrokerInner, name: string): number | undefined {
  const v = msg.getProperty(name);
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v)) return NaN;
  return Number(v);
}

/**
 * Java 5.x `HookUtils.handleScheduleMessage`, applied to every message the broker stores: non-transactional (or
 * committed) messages with a delay level go to `SCHEDULE_TOPIC_XXXX` queue `level-1`; with 5.x timer properties
 * (`TIMER_DELIVER_MS` absolute, `TIMER_DELAY_MS` / `TIMER_DELAY_SEC` relative) they go to `rmq_sys_wheel_timer`
 * with `TIMER_OUT_MS` (rounded down to `timerPrecisionMs`, an exact multiple minus one precision, as Java). Both keep
 * the real destination in `REAL_TOPIC` / `REAL_QID`. A delay level wins over timer properties (which are dropped).
 * A delivery time already past means no delay. Returns a refusal for malformed or too-long timers.
 */
export function applyDelay(msg: MessageExtBrokerInner, cfg: DelayTransformConfig): PutRefusal | undefined {
  if (isPreparedOrRollback(msg.sysFlag)) return undefined;
  if (msg.topic === SystemTopic.WHEEL_TIMER_TOPIC || msg.topic === SystemTopic.SCHEDULE_TOPIC) return undefined;
  let level: number;
  try {
    level = msg.delayTimeLevel;
  } catch {
    level = 0;
  }
  if (level > 0) {
    msg.clearProperty(MessageConst.TIMER_DELIVER_MS);
    msg.clearProperty(MessageConst.TIMER_DELAY_SEC);
    msg.clearProperty(MessageConst.TIMER_DELAY_MS);
    if (level > cfg.maxDelayLevel) {
      level = cfg.maxDelayLevel;
      msg.delayTimeLevel = level;
    }
    msg.putProperty(MessageConst.REAL_TOPIC, msg.topic);
    msg.putProperty(MessageConst.REAL_QID, String(msg.queueId));
    msg.topic = SystemTopic.SCHEDULE_TOPIC;
    msg.queueId = level - 1;
    return undefined;
  }
  if (!hasTimerProperty(msg) || msg.hasProperty(MessageConst.TIMER_OUT_MS)) return undefined;
  if (!cfg.timerWheelEnable) {
    return {
      code: ResponseCode.SYSTEM_ERROR,
      remark: `accurate timer message is not enabled, timerWheelEnable is ${cfg.timerWheelEnable}`,
    };
  }
  const now = (cfg.now ?? Date.now)();
  const delaySec = parseLongProperty(msg, MessageConst.TIMER_DELAY_SEC);
  const delayMs = parseLongProperty(msg, MessageConst.TIMER_DELAY_MS);
  const deliverAt = parseLongProperty(msg, MessageConst.TIMER_DELIVER_MS);
  let deliverMs: number;
  if (delaySec !== undefined) deliverMs = now + delaySec * 1000;
  else if (delayMs !== undefined) deliverMs = now + delayMs;
  else deliverMs = deliverAt ?? NaN;
  const illegal: PutRefusal = {
    code: ResponseCode.MESSAGE_ILLEGAL,
    remark:
      `timer message illegal, the delay time should not be bigger than the max delay ${cfg.timerMaxDelaySec * 1000}ms; ` +
      'or if set del msg, the delay time should be bigger than the current time',
  };
  if (!Number.isFinite(deliverMs)) return illegal;
  if (deliverMs <= now) {
    if (msg.hasProperty(MessageConst.TIMER_DEL_UNIQKEY)) return illegal;
    return undefined;
  }
  if (deliverMs - now > cfg.timerMaxDelaySec * 1000) return illegal;
  const precision = cfg.timerPrecisionMs > 0 ? cfg.timerPrecisionMs : 1000;
  deliverMs = deliverMs % precision === 0 ? deliverMs - precision : Math.floor(deliverMs / precision) * precision;
  msg.putProperty(MessageConst.TIMER_OUT_MS, String(deliverMs));
  msg.putProperty(MessageConst.REAL_TOPIC, msg.topic);
  msg.putProperty(MessageConst.REAL_QID, String(msg.queueId));
  msg.putProperty(MessageConst.TIMER_ENQUEUE_MS, String(now));
  // Due within the next 100 ms (after rounding) still goes through hop 0, so it is never stored before TIMER_OUT_MS.
  msg.topic = SystemTopic.WHEEL_TIMER_TOPIC;
  msg.queueId = timerHopFor(deliverMs - now) ?? 0;
  return undefined;
}

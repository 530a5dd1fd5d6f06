import { MessageConst, MessageExtBrokerInner, MessageSysFlag, ResponseCode, SystemTopic } from '@rocketnest/common';
import { applyDelay, type DelayTransformConfig } from './delay-transform';
import { TIMER_HOP_COUNT, timerHopDelayMs, timerHopFor } from './timer-message.service';

const NOW = 1_000_000_500;
const cfg: DelayTransformConfig = {
  maxDelayLevel: 18,
  timerWheelEnable: true,
  timerPrecisionMs: 1000,
  timerMaxDelaySec: 259_200,
  now: () => NOW,
};

function message(props: Record<string, string>, sysFlag = 0): MessageExtBrokerInner {
  const msg = new MessageExtBrokerInner();
  msg.topic = 'Orders';
  msg.queueId = 3;
  msg.sysFlag = sysFlag;
  msg.properties = { ...props };
  return msg;
}

describe('applyDelay (Java HookUtils.handleScheduleMessage)', () => {
  it('routes a delay level to SCHEDULE_TOPIC_XXXX queue level-1 and drops timer properties', () => {
    const msg = message({ [MessageConst.DELAY]: '3', [MessageConst.TIMER_DELAY_SEC]: '5' });
    expect(applyDelay(msg, cfg)).toBeUndefined();
    expect(msg.topic).toBe(SystemTopic.SCHEDULE_TOPIC);
    expect(msg.queueId).toBe(2);
    expect(msg.properties).toEqual({ DELAY: '3', REAL_TOPIC: 'Orders', REAL_QID: '3' });
  });

  it('clamps levels above the table to the highest level', () => {
    const msg = message({ [MessageConst.DELAY]: '40' });
    applyDelay(msg, cfg);
    expect(msg.queueId).toBe(17);
    expect(msg.getProperty(MessageConst.DELAY)).toBe('18');
  });

  it('leaves prepared and rollback transaction records alone', () => {
    for (const type of [MessageSysFlag.TRANSACTION_PREPARED_TYPE, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE]) {
      const msg = message({ [MessageConst.DELAY]: '2' }, type);
      applyDelay(msg, cfg);
      expect(msg.topic).toBe('Orders');
    }
  });

  it('routes a relative timer to the wheel topic with TIMER_OUT_MS rounded down to the second', () => {
    const msg = message({ [MessageConst.TIMER_DELAY_SEC]: '10' });
    expect(applyDelay(msg, cfg)).toBeUndefined();
    expect(msg.topic).toBe(SystemTopic.WHEEL_TIMER_TOPIC);
    expect(msg.getProperty(MessageConst.TIMER_OUT_MS)).toBe(String(1_000_010_000));
    expect(msg.getProperty(MessageConst.REAL_TOPIC)).toBe('Orders');
    expect(msg.getProperty(MessageConst.REAL_QID)).toBe('3');
    // 9 500 ms remain: the longest hop that fits is 6 400 ms (queue 6).
    expect(msg.queueId).toBe(6);
  });

  it('takes one precision off an exact multiple, as Java does', () => {
    const msg = message({ [MessageConst.TIMER_DELIVER_MS]: '1000005000' });
    applyDelay(msg, cfg);
    expect(msg.getProperty(MessageConst.TIMER_OUT_MS)).toBe('1000004000');
  });

  it('delivers a past deliver time at once and refuses malformed or too-long timers', () => {
    const past = message({ [MessageConst.TIMER_DELIVER_MS]: String(NOW - 1) });
    expect(applyDelay(past, cfg)).toBeUndefined();
    expect(past.topic).toBe('Orders');
    const tooLong = applyDelay(message({ [MessageConst.TIMER_DELAY_SEC]: String(259_201) }), cfg);
    expect(tooLong?.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(applyDelay(message({ [MessageConst.TIMER_DELAY_MS]: 'soon' }), cfg)?.code).toBe(
      ResponseCode.MESSAGE_ILLEGAL,
    );
    const disabled = applyDelay(message({ [MessageConst.TIMER_DELAY_MS]: '5000' }), {
      ...cfg,
      timerWheelEnable: false,
    });
    expect(disabled).toEqual({
      code: ResponseCode.SYSTEM_ERROR,
      remark: 'accurate timer message is not enabled, timerWheelEnable is false',
    });
  });

  it('never re-routes a message already on the wheel or already timed', () => {
    const msg = message({ [MessageConst.TIMER_DELAY_MS]: '5000', [MessageConst.TIMER_OUT_MS]: '1' });
    applyDelay(msg, cfg);
    expect(msg.topic).toBe('Orders');
  });
});

describe('timer hops', () => {
  it('picks the longest hop that does not overshoot', () => {
    expect(timerHopFor(99)).toBeUndefined();
    expect(timerHopFor(100)).toBe(0);
    expect(timerHopFor(399)).toBe(1);
    expect(timerHopFor(400)).toBe(2);
    expect(timerHopFor(3 * 86_400_000)).toBe(21);
    expect(timerHopFor(10 * 86_400_000)).toBe(TIMER_HOP_COUNT - 1);
    for (const r of [150, 999, 1000, 12_345, 7_777_777]) {
      expect(timerHopDelayMs(timerHopFor(r)!)).toBeLessThanOrEqual(r);
      expect(timerHopDelayMs(timerHopFor(r)! + 1)).toBeGreaterThan(r);
    }
  });
});

import type { INestApplicationContext } from '@nestjs/common';
import { RocketMQListenerExplorer } from '@rocketnest/nestjs';

export interface WaitForListenersOptions {
  /** Give up after this long. Default 10000 ms. */
  timeoutMs?: number;
  /** Poll period. Default 20 ms. */
  intervalMs?: number;
}

/**
 * Resolves once every `@RocketMQMessageListener` container of `app` is running and pulls every queue its first
 * rebalance gave it from a final start offset (`DefaultMQPushConsumer.queuesReady()`). Sending before that races the
 * first rebalance, exactly as with the Java client: a new CONSUME_FROM_LAST_OFFSET group starts each queue at the
 * max offset it reads when it takes the queue, so a message stored while it reads it can be skipped. Needs the topics to
 * exist (see `RocketMQTestingModule.forRoot({ topics })`); a suspended orderly listener is ready only once resumed.
 */
export async function waitForRocketMQListeners(
  app: INestApplicationContext,
  options: WaitForListenersOptions = {},
): Promise<void> {
  const explorer = app.get(RocketMQListenerExplorer, { strict: false });
  const timeoutMs = options.timeoutMs ?? 10000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = explorer
      .getContainers()
      .filter((c) => !c.isRunning() || !c.consumer.queuesReady())
      .map((c) => `${c.name} (${c.state})`);
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `RocketMQ listeners not ready after ${timeoutMs} ms: ${pending.join(', ')}; do their topics exist?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { RocketMQListenerExplorer } from '@rocketnest/nestjs';

export interface WaitForListenersOptions {
  /** Give up after this long. Default 10000 ms. */
  timeoutMs?: number;
  /** Poll period. Default 20 ms. */
  intervalMs?: number;
}

/**
 * Resolves once every `@RocketMQMessageListener` container of `app` is running and owns at least one queue of its
 * topic (its start offsets are computed). Sending before that can race the first rebalance, exactly as with the Java
 * client, and a message stored in that window may be skipped by a CONSUME_FROM_LAST_OFFSET group. Needs the topics to
 * exist (see `RocketMQTestingModule.forRoot({ topics })`).
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
      .filter((c) => !c.isRunning() || c.consumer.assignedQueues().length === 0)
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

/**
 * Appends messages forever with `concurrency` concurrent appenders and prints `ACK seq queueId queueOffset offset size`
 * for each acknowledged put. The crash test SIGKILLs it at random points.
 *
 * argv: storeDir flushDiskType startSeq concurrency
 */
import { DefaultMessageStore } from '../src/default-message-store';
import type { FlushDiskType } from '../src/message-store-config';
import { crashBody, crashConfig, crashMessage } from './crash-shared';

async function main(): Promise<void> {
  const [dir, flush, startSeqText, concurrencyText] = process.argv.slice(2);
  const store = new DefaultMessageStore(crashConfig(dir!, flush as FlushDiskType));
  store.logger = { warn: () => undefined, error: (m) => process.stderr.write(`${m}\n`) };
  await store.start();
  process.stdout.write('READY\n');
  let seq = Number(startSeqText);
  const appender = async (): Promise<void> => {
    for (;;) {
      const s = seq++;
      const msg = crashMessage(s, crashBody(s));
      const r = await store.putMessage(msg);
      if (r.status !== 'PUT_OK') {
        process.stderr.write(`put ${s}: ${r.status} ${r.remark ?? ''}\n`);
        continue;
      }
      const a = r.appendResult!;
      process.stdout.write(`ACK ${s} ${msg.queueId} ${a.logicsOffset} ${a.wroteOffset} ${a.wroteBytes}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrencyText) }, () => appender()));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

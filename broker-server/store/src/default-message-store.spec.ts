import { promises as fsp } from 'node:fs';
import { decodeMessageRecord } from '@rocketnest/common';
import { makeMessage, makeTempDir, openStore } from '../test/store-test-utils';
import type { DefaultMessageStore } from './default-message-store';

describe('DefaultMessageStore', () => {
  let dir: string;
  let store: DefaultMessageStore | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await store?.shutdown();
    store = undefined;
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('appends, dispatches and reads back messages of one queue', async () => {
    store = await openStore(dir);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store!.putMessage(makeMessage('T', 0, `hello-${i}`, { tags: 'A', keys: `k${i}` }))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('PUT_OK'));
    expect(results.map((r) => r.appendResult!.logicsOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await store.waitDispatched();
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(10);
    const got = await store.getMessage('g', 'T', 0, 0, 32, 1024 * 1024);
    expect(got.status).toBe('FOUND');
    expect(got.messageCount).toBe(10);
    expect(got.nextBeginOffset).toBe(10);
    const bodies = got.messageBuffers.map((b) => decodeMessageRecord(b).body.toString());
    expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `hello-${i}`));
  });
});

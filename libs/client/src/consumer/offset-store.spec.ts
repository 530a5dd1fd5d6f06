import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileOffsetStore, ReadOffsetType } from './offset-store';

describe('LocalFileOffsetStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rn-offsets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('persists offsets as Java-readable JSON and loads them back', async () => {
    const mq = { topic: 'T', brokerName: 'broker-a', queueId: 1 };
    const store = new LocalFileOffsetStore('127.0.0.1@x', 'G', dir);
    store.updateOffset(mq, 42, false);
    store.updateOffset(mq, 40, true); // increase-only keeps 42
    await store.persistAll([mq]);
    const text = await readFile(join(dir, '127.0.0.1@x', 'G', 'offsets.json'), 'utf8');
    expect(text).toContain('offsetTable');
    expect(text).toContain('42');
    const again = new LocalFileOffsetStore('127.0.0.1@x', 'G', dir);
    await again.load();
    expect(await again.readOffset(mq, ReadOffsetType.READ_FROM_MEMORY)).toBe(42);
    expect(await again.readOffset({ ...mq, queueId: 2 }, ReadOffsetType.READ_FROM_STORE)).toBe(-1);
    expect(await again.readOffset(mq, ReadOffsetType.READ_FROM_STORE)).toBe(42);
  });

  it('reads fastjson-style object keys', async () => {
    const store = new LocalFileOffsetStore('c', 'G', dir);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'c', 'G'), { recursive: true });
    await writeFile(
      join(dir, 'c', 'G', 'offsets.json'),
      '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:7}}',
    );
    await store.load();
    expect(await store.readOffset({ topic: 'T', brokerName: 'b', queueId: 0 }, ReadOffsetType.READ_FROM_MEMORY)).toBe(
      7,
    );
  });
});

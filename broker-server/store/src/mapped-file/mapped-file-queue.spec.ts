import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MappedFileQueue } from './mapped-file-queue';

const SIZE = 64 * 1024;
const name = (offset: number) => String(offset).padStart(20, '0');

describe('MappedFileQueue.load', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rn-mfq-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('finishes sizing a newest segment left short by a crash during its creation', async () => {
    await fsp.writeFile(path.join(dir, name(0)), Buffer.alloc(SIZE, 1));
    await fsp.writeFile(path.join(dir, name(SIZE)), Buffer.alloc(0));
    const queue = new MappedFileQueue(dir, SIZE);
    await queue.load();
    expect(queue.files.map((f) => f.fileFromOffset)).toEqual([0, SIZE]);
    expect((await fsp.stat(path.join(dir, name(SIZE)))).size).toBe(SIZE);
    await Promise.all(queue.files.map((f) => f.close()));
  });

  it('refuses a segment in the middle whose size does not match the configured size', async () => {
    await fsp.writeFile(path.join(dir, name(0)), Buffer.alloc(100));
    await fsp.writeFile(path.join(dir, name(SIZE)), Buffer.alloc(SIZE));
    await expect(new MappedFileQueue(dir, SIZE).load()).rejects.toThrow(/configured segment size/);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OffsetTableFile } from './offset-table-file';

describe('OffsetTableFile (delayOffset.json)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-offset-table-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the Java broker format byte for byte (4.9.4 store fixture)', () => {
    // config/delayOffset.json of the captured 4.9.4 store (fastjson PrettyFormat, bare integer keys).
    expect(OffsetTableFile.encode(new Map([[1, 1]]))).toBe('{\n\t"offsetTable":{1:1\n\t}\n}');
  });

  it('round-trips, keeps a backup and falls back to it when the file is damaged', () => {
    const file = new OffsetTableFile(path.join(dir, 'config', 'delayOffset.json'));
    expect(file.load().size).toBe(0);
    file.save(
      new Map([
        [2, 5],
        [1, 7],
      ]),
    );
    file.save(
      new Map([
        [1, 8],
        [2, 5],
      ]),
    );
    expect([...file.load()]).toEqual([
      [1, 8],
      [2, 5],
    ]);
    fs.writeFileSync(file.file, '{"offsetTable":{1:');
    expect([...file.load()]).toEqual([
      [1, 7],
      [2, 5],
    ]);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Atomic write of a config file (Java `MixAll.string2File`): the new text goes to `<file>.tmp` and is fsync'ed, the
 * current file is copied to `<file>.bak`, then the temp file is renamed over the original. A crash at any point leaves
 * either the old or the new content under `<file>` (or, at worst, in `<file>.bak`).
 */
export function writeFileAtomicSync(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.bak`);
  fs.renameSync(tmp, file);
}

/**
 * Reads a config file, falling back to `<file>.bak` when the main file is missing, empty or does not decode
 * (Java `ConfigManager.load` / `loadBak`). Returns null when neither exists. `decode` throws on bad content.
 */
export function readConfigFile<T>(file: string, decode: (text: string) => T): T | null {
  for (const candidate of [file, `${file}.bak`]) {
    let text: string;
    try {
      text = fs.readFileSync(candidate, 'utf8');
    } catch {
      continue;
    }
    if (!text.trim()) continue;
    try {
      return decode(text);
    } catch (err) {
      process.emitWarning(`RocketNest broker: could not read ${candidate}: ${(err as Error).message}`);
    }
  }
  return null;
}

/**
 * Start-up configuration of the server apps, after Java's `mqnamesrv` / `mqbroker` scripts: `-c <file>` names a Java
 * `.properties` file, `-n <addr;addr>` the name servers, and `--key value` / `--key=value` override single keys.
 */
import { MQClientError } from '../errors/rocketmq-error';

/** Parses Java `.properties` text (`java.util.Properties.load`): `=`/`:`/whitespace separators, `#`/`!` comments,
 * backslash line continuations and escapes (`\t \n \r \f \uXXXX`, `\x` → `x`). Later duplicates win. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // Join continuation lines: an odd number of trailing backslashes continues the logical line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (/(^|[^\\])(\\\\)*\\$/.test(line)) line = line.slice(0, -1);
    let k = 0;
    let key = '';
    while (k < line.length) {
      const c = line[k]!;
      if (c === '\\') {
        key += line.slice(k, k + 2);
        k += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      key += c;
      k++;
    }
    // Skip whitespace, then at most one '=' or ':', then whitespace.
    while (k < line.length && /[ \t\f]/.test(line[k]!)) k++;
    if (k < line.length && (line[k] === '=' || line[k] === ':')) k++;
    while (k < line.length && /[ \t\f]/.test(line[k]!)) k++;
    out[unescapeProperty(key)] = unescapeProperty(line.slice(k));
  }
  return out;
}

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 't') out += '\t';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'f') out += '\f';
    else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += n;
  }
  return out;
}

/** Writes `key=value` lines the way Java `MixAll.properties2String` does (one per line, no escaping of values). */
export function formatProperties(props: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out += `${k}=${String(v)}\n`;
  return out;
}

export interface StartupArgs {
  /** `-c <file>`: Java properties file with the server's keys. */
  configFile?: string;
  /** `-n <addr;addr>`: name server list (brokers, tools). */
  namesrvAddr?: string;
  /** `-p`: print the effective configuration and exit. */
  printConfig: boolean;
  /** `-h` / `--help`. */
  help: boolean;
  /** `--key value` / `--key=value` overrides, by key. */
  overrides: Record<string, string>;
}

/**
 * Parses server command-line arguments (without `node` and the script). `knownKeys` lists the keys `--key` may
 * override; `true` accepts any key. Unknown options or keys and missing values throw `MQClientError` naming them.
 */
export function parseStartupArgs(argv: readonly string[], knownKeys: readonly string[] | true = true): StartupArgs {
  const result: StartupArgs = { printConfig: false, help: false, overrides: {} };
  const known = knownKeys === true ? undefined : new Set(knownKeys);
  const value = (i: number, opt: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new MQClientError(`Option ${opt} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-c' || arg === '--configFile') {
      result.configFile = value(i, arg);
      i++;
    } else if (arg === '-n' || arg === '--namesrvAddr') {
      result.namesrvAddr = value(i, arg);
      i++;
    } else if (arg === '-p' || arg === '--printConfigItem') {
      result.printConfig = true;
    } else if (arg === '-h' || arg === '--help') {
      result.help = true;
    } else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      let v: string;
      if (eq > 0) v = arg.slice(eq + 1);
      else {
        v = value(i, arg);
        i++;
      }
      if (known && !known.has(key)) {
        throw new MQClientError(`Unknown configuration key "${key}"; known keys: ${[...known].sort().join(', ')}`);
      }
      result.overrides[key] = v;
    } else {
      throw new MQClientError(`Unknown argument "${arg}"; use -c <file>, -n <addrs>, -p, -h or --<key> <value>`);
    }
  }
  return result;
}

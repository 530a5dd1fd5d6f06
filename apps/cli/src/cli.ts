import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RocketMQError } from '@rocketnest/common';
import { COMMANDS } from './commands';
import { CliUsageError, CommandContext, parseIntFlag, type CliIO, type CommandDef, type OptionSpec } from './command';
import { toJson } from './output';

/** Flags every command takes (mqadmin's `-n` and `-h`, plus `--json` and `--timeout`). */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  namesrvAddr: {
    short: 'n',
    type: 'string',
    arg: '<host:port[;host:port]>',
    description: 'name server (or env NAMESRV_ADDR)',
  },
  json: { type: 'boolean', description: 'print one JSON document instead of tables' },
  timeout: { type: 'string', arg: '<ms>', description: 'timeout of each request (default 5000)' },
  help: { short: 'h', type: 'boolean', description: "show this command's flags" },
};

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

const PROG = 'npm run cli --';

function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

function flagText(name: string, o: OptionSpec): string {
  const flag = o.short ? `-${o.short}` : `--${name}`;
  return o.type === 'string' ? `${flag} ${o.arg ?? '<value>'}` : flag;
}

/** The list of commands. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `usage: ${PROG} <command> -n <host:port> [options]   (or set NAMESRV_ADDR)`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.description.split(/(?<=\)|\w)\. /)[0]!}`),
    `  ${'help'.padEnd(width)}  Show this list, or a command's flags: help <command>`,
    '',
    'Every command takes --json (one JSON document on stdout) and --timeout <ms>.',
  ].join('\n');
}

/** One command's synopsis and flags. */
export function commandUsage(cmd: CommandDef): string {
  const oneOf = new Set((cmd.exactlyOneOf ?? []).flat());
  const synopsis = [
    PROG,
    cmd.name,
    '-n <host:port>',
    ...Object.entries(cmd.options)
      .filter(([, o]) => o.required)
      .map(([n, o]) => flagText(n, o)),
    ...(cmd.exactlyOneOf ?? []).map((g) => `(${g.map((n) => flagText(n, cmd.options[n]!)).join(' | ')})`),
    ...Object.entries(cmd.options)
      .filter(([n, o]) => !o.required && !oneOf.has(n))
      .map(([n, o]) => `[${flagText(n, o)}]`),
  ].join(' ');
  const all = { ...cmd.options, ...GLOBAL_OPTIONS };
  const lines = Object.entries(all).map(([n, o]) => {
    const flags = o.short ? `-${o.short}, --${n}` : `    --${n}`;
    return [
      `  ${flags}${o.type === 'string' ? ` ${o.arg ?? '<value>'}` : ''}`,
      `${o.description}${o.required ? ' (required)' : ''}`,
    ];
  });
  const width = Math.max(...lines.map(([l]) => l!.length));
  return [
    `${cmd.description}.`,
    '',
    `usage: ${synopsis}`,
    '',
    ...lines.map(([l, d]) => `${l!.padEnd(width)}  ${d}`),
  ].join('\n');
}

function parseFlags(cmd: CommandDef, args: string[]): Record<string, string | boolean | undefined> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS }))
    options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CliUsageError(`${message}\nRun "${PROG} help ${cmd.name}" for its flags.`, { cause: err });
  }
}

function checkFlags(cmd: CommandDef, values: Record<string, string | boolean | undefined>): void {
  const missing = Object.entries(cmd.options)
    .filter(([n, o]) => o.required && (values[n] === undefined || values[n] === ''))
    .map(([n, o]) => flagText(n, o));
  if (missing.length > 0)
    throw new CliUsageError(
      `${cmd.name}: missing ${missing.join(', ')}\nRun "${PROG} help ${cmd.name}" for its flags.`,
    );
  for (const group of cmd.exactlyOneOf ?? []) {
    const given = group.filter((n) => values[n] !== undefined);
    if (given.length !== 1) {
      const names = group.map((n) => flagText(n, cmd.options[n]!).split(' ')[0]).join(' or ');
      throw new CliUsageError(`${cmd.name}: give exactly one of ${names}`);
    }
  }
}

function errorText(err: unknown): string {
  if (err instanceof CliUsageError) return err.message;
  if (err instanceof RocketMQError) {
    const cause =
      err.cause instanceof Error && !err.message.includes(err.cause.message) ? ` (cause: ${err.cause.message})` : '';
    return `${err.name}: ${err.message}${cause}`;
  }
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

/**
 * Runs one CLI invocation: `argv` is what follows the program name (`['topicList', '-n', '127.0.0.1:9876']`).
 * Writes to `io.stdout`/`io.stderr` and resolves with the exit code: 0 ok, 1 error, 2 unknown or missing command.
 * Every client the command started is shut down before it resolves.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '') {
    io.stderr.write(`${usage()}\n`);
    return EXIT_USAGE;
  }
  if (name === 'help' || name === '-h' || name === '--help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout.write(`${usage()}\n`);
      return EXIT_OK;
    }
    const cmd = findCommand(topic);
    if (!cmd) {
      io.stderr.write(`Unknown command "${topic}".\n\n${usage()}\n`);
      return EXIT_USAGE;
    }
    io.stdout.write(`${commandUsage(cmd)}\n`);
    return EXIT_OK;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    io.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return EXIT_USAGE;
  }

  let json = rest.includes('--json');
  let ctx: CommandContext | undefined;
  try {
    const values = parseFlags(cmd, [...rest]);
    json = values.json === true;
    if (values.help === true) {
      io.stdout.write(`${commandUsage(cmd)}\n`);
      return EXIT_OK;
    }
    checkFlags(cmd, values);
    const namesrvAddr =
      (typeof values.namesrvAddr === 'string' ? values.namesrvAddr : io.env.NAMESRV_ADDR)?.trim() ?? '';
    if (namesrvAddr === '' && cmd.needsNamesrv !== false)
      throw new CliUsageError('No name server address: pass -n <host:port> or set NAMESRV_ADDR');
    const timeoutMs = typeof values.timeout === 'string' ? parseIntFlag('timeout', values.timeout, 1, 600_000) : 5000;
    ctx = new CommandContext(values, io, namesrvAddr, timeoutMs);
    const out = await cmd.run(ctx);
    io.stdout.write(`${json ? toJson(out.json) : out.text}\n`);
    return EXIT_OK;
  } catch (err) {
    const text = errorText(err);
    io.stderr.write(json ? `${toJson({ error: text, command: cmd.name })}\n` : `Error: ${text}\n`);
    return EXIT_ERROR;
  } finally {
    await ctx?.close();
  }
}

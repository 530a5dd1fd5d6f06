import { DefaultMQAdminExt, DefaultMQProducer } from '@rocketnest/client';
import { MQClientError } from '@rocketnest/common';

/** Where a run writes and what environment it sees (injected so tests can run the CLI in-process). */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Record<string, string | undefined>;
}

/** One flag of a command, spelled like mqadmin's (`-t topic`). */
export interface OptionSpec {
  /** One-letter flag, e.g. `t` for `-t`. */
  short?: string;
  type: 'string' | 'boolean';
  /** Placeholder shown in usage, e.g. `<topic>`. */
  arg?: string;
  description: string;
  required?: boolean;
}

/** What a command returns: the value printed by `--json`, and its human-readable form. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

export interface CommandDef {
  name: string;
  description: string;
  options: Record<string, OptionSpec>;
  /** Groups of flags of which exactly one must be given (e.g. `-c` or `-b`). */
  exactlyOneOf?: string[][];
  /** Commands such as `help` do not talk to a name server. */
  needsNamesrv?: boolean;
  run(ctx: CommandContext): Promise<CommandOutput>;
}

/** A user error: wrong or missing flags, bad values. Printed without a stack; exit code 1. */
export class CliUsageError extends MQClientError {}

let instanceSeq = 0;

/** Parsed flags plus lazily created clients, all shut down by `close()`. */
export class CommandContext {
  private readonly closers: Array<() => Promise<void>> = [];
  private adminPromise: Promise<DefaultMQAdminExt> | undefined;

  constructor(
    readonly values: Record<string, string | boolean | undefined>,
    readonly io: CliIO,
    readonly namesrvAddr: string,
    /** Timeout of each admin call and send. */
    readonly timeoutMs: number,
  ) {}

  /** A unique client instance name, so in-process runs never share a client id. */
  instanceName(role: string): string {
    instanceSeq += 1;
    return `cli-${role}-${process.pid}-${Date.now()}-${instanceSeq}`;
  }

  str(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  /** A required string flag (parse already checked `required`, this narrows the type). */
  req(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw new CliUsageError(`Missing value for --${name}`);
    return v;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  /** An integer flag within [min, max]; `fallback` when absent. */
  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    return parseIntFlag(name, raw, min, max);
  }

  /** A `true`/`false` flag value (mqadmin passes booleans as words: `-o true`). */
  boolWord(name: string): boolean | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    throw new CliUsageError(`--${name} must be true or false, got "${raw}"`);
  }

  /** `-b` or `-c` target of mqadmin's update/delete commands. */
  target(): { addr?: string; clusterName?: string } {
    const addr = this.str('brokerAddr');
    return addr ? { addr } : { clusterName: this.str('clusterName') };
  }

  admin(): Promise<DefaultMQAdminExt> {
    this.adminPromise ??= (async () => {
      const admin = new DefaultMQAdminExt({
        namesrvAddr: this.namesrvAddr,
        instanceName: this.instanceName('admin'),
        timeoutMs: this.timeoutMs,
        requestTimeoutMs: this.timeoutMs,
      });
      await admin.start();
      this.closers.push(() => admin.shutdown());
      return admin;
    })();
    return this.adminPromise;
  }

  async producer(): Promise<DefaultMQProducer> {
    const producer = new DefaultMQProducer({
      producerGroup: 'rocketnest_cli_producer',
      namesrvAddr: this.namesrvAddr,
      instanceName: this.instanceName('producer'),
      sendMsgTimeout: this.timeoutMs,
      requestTimeoutMs: this.timeoutMs,
      retryTimesWhenSendFailed: 1,
    });
    await producer.start();
    this.closers.push(() => producer.shutdown());
    return producer;
  }

  /** Registers a cleanup step run (in reverse order) when the command ends. */
  onClose(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.closers.reverse()) await fn().catch(() => undefined);
    this.closers.length = 0;
  }
}

export function parseIntFlag(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new CliUsageError(`--${name} must be an integer, got "${raw}"`);
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new CliUsageError(`--${name} must be between ${min} and ${max}, got ${raw}`);
  return v;
}

export { run, usage, commandUsage, EXIT_OK, EXIT_ERROR, EXIT_USAGE } from './cli';
export type { CliIO, CommandDef, CommandOutput, OptionSpec } from './command';
export { CliUsageError } from './command';
export { COMMANDS } from './commands';
export { parseResetTime } from './time';

/** What the broker logs through. Defaults to the console; tests pass {@link silentLogger}. */
export interface BrokerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export const consoleLogger: BrokerLogger = {
  info: (m) => console.log(`[broker] ${m}`),
  warn: (m) => console.warn(`[broker] WARN ${m}`),
  error: (m, err) => console.error(`[broker] ERROR ${m}${err instanceof Error ? `: ${err.message}` : ''}`),
};

export const silentLogger: BrokerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

import { UnresolvablePlaceholderError } from './rocketmq.errors';
import type { RocketMQPropertySource } from './rocketmq.properties';

const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;

/**
 * Spring-style `${key}` / `${key:default}` substitution (rocketmq-spring resolves listener attributes this way).
 * A key no source defines and without a default throws {@link UnresolvablePlaceholderError}; `where` names the
 * attribute in that error.
 */
export function resolvePlaceholders(text: string, source: RocketMQPropertySource, where: string): string {
  return text.replace(PLACEHOLDER, (_match, rawKey: string, def: string | undefined) => {
    const key = rawKey.trim();
    const value = source.get(key);
    if (value !== undefined && value !== null && value !== '') {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      return JSON.stringify(value);
    }
    if (def !== undefined) return def;
    throw new UnresolvablePlaceholderError(key, where);
  });
}

/** Whether a string contains at least one `${...}`. */
export function hasPlaceholder(text: string): boolean {
  return /\$\{[^}]+\}/.test(text);
}

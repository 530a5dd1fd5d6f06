import { createHash } from 'node:crypto';

/**
 * The client instance name a template, listener container or helper producer uses. An explicit `instance-name` is kept
 * as is. `DEFAULT` becomes one name per name server and credentials (`RN_<pid>_<hash>`), so every client of one
 * cluster in this app shares a client instance (connections, heartbeats) while clients of another cluster, or signing
 * with other ACL keys, get their own: a client instance talks to the name servers and signs with the keys of its first
 * producer or consumer.
 */
export function clientInstanceName(
  instanceName: string | undefined,
  nameServer: string | undefined,
  accessKey?: string,
  secretKey?: string,
): string {
  if (instanceName && instanceName !== 'DEFAULT') return instanceName;
  const digest = createHash('sha1')
    .update([nameServer ?? '', accessKey ?? '', secretKey ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 10);
  return `RN_${process.pid}_${digest}`;
}

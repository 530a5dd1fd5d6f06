import { ResponseCode, type HostAddress } from '@rocketnest/common';
import { RemotingCommand, type RemotingChannel } from '@rocketnest/remoting';
import type { BrokerController } from '../broker-controller';

/**
 * A response as the Java 5.x broker writes it: `extFields` present (possibly `{}`), remark only when given.
 * The Java client dereferences `extFields` on several answers, so it is never left out.
 */
export function errorResponse(
  code: number,
  remark: string | undefined,
  ext: Record<string, string> = {},
): RemotingCommand {
  const response = RemotingCommand.createResponse(code, remark);
  response.extFields = ext;
  return response;
}

export function successResponse(ext: Record<string, string> = {}, body?: Buffer): RemotingCommand {
  const response = errorResponse(0, undefined, ext);
  if (body && body.length > 0) response.body = body;
  return response;
}

/** `ip:port` / `[v6]:port` → host address of a record (born host). */
export function hostOf(addr: string): HostAddress {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(addr);
  if (v6) return { address: v6[1]!, port: Number(v6[2]) };
  const at = addr.lastIndexOf(':');
  if (at < 0) return { address: addr || '127.0.0.1', port: 0 };
  return { address: addr.slice(0, at), port: Number(addr.slice(at + 1)) || 0 };
}

/**
 * Writes the answer of a held request that was run again (pull or pop long polling) on its channel when it is still
 * open; a failure is logged and answered SYSTEM_ERROR.
 */
export function answerRerun(
  broker: BrokerController,
  channel: RemotingChannel,
  request: RemotingCommand,
  run: Promise<RemotingCommand | null>,
  what: string,
): void {
  run.then(
    (response) => {
      if (response && channel.isActive()) broker.remotingServer.writeResponse(channel, request, response);
    },
    (err: unknown) => {
      broker.logger.error(`re-running a held ${what} failed`, err);
      if (channel.isActive()) {
        const remark = err instanceof Error ? err.message : String(err);
        broker.remotingServer.writeResponse(channel, request, errorResponse(ResponseCode.SYSTEM_ERROR, remark));
      }
    },
  );
}

import { createHmac } from 'node:crypto';
import { MQClientError, MQVersion } from '@rocketnest/common';
import { RemotingClient, type RemotingClientOptions, type RemotingCommand } from '@rocketnest/remoting';

/** ACL 1.0 credentials (Java `SessionCredentials`). */
export interface SessionCredentials {
  accessKey: string;
  secretKey: string;
  /** Sent and signed when set (STS-style temporary credentials). */
  securityToken?: string;
}

/** Ext field names of ACL 1.0 (Java `SessionCredentials` constants). */
export const AclExtField = {
  ACCESS_KEY: 'AccessKey',
  SIGNATURE: 'Signature',
  SECURITY_TOKEN: 'SecurityToken',
} as const;

/** Java `MixAll.UNIQUE_MSG_QUERY_FLAG`: brokers leave it out of the signed content for clients up to V4_9_3. */
const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
/** Java `MQVersion.Version.V4_9_3` (the ordinal just below V4_9_4). */
const V4_9_3 = MQVersion.V4_9_4 - 1;

/**
 * The bytes ACL 1.0 signs (Java `AclUtils.combineRequestContent`): the values of every ext field except `Signature`,
 * ordered by key (Java `TreeMap`: UTF-16 code unit order, as JavaScript compares strings), concatenated as UTF-8, then
 * the body. Like the broker's check, a request announcing version V4_9_3 or older leaves out `_UNIQUE_KEY_QUERY`.
 */
export function aclSignedContent(request: RemotingCommand): Buffer {
  const fields = request.extFields ?? {};
  const skipUniqueFlag = request.version <= V4_9_3;
  let text = '';
  for (const key of Object.keys(fields).sort()) {
    if (key === AclExtField.SIGNATURE || (skipUniqueFlag && key === UNIQUE_MSG_QUERY_FLAG)) continue;
    text += fields[key];
  }
  const head = Buffer.from(text, 'utf8');
  return request.body && request.body.length > 0 ? Buffer.concat([head, request.body]) : head;
}

/** Java `AclSigner.calSignature`: Base64(HmacSHA1(secretKey as UTF-8, data)). */
export function calSignature(data: Buffer, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(data).digest('base64');
}

/**
 * Signs a request in place (Java `AclClientRPCHook.doBeforeRequest`): adds `AccessKey`, `SecurityToken` when set, and
 * `Signature` over {@link aclSignedContent}. Signing again (a retried command) replaces the old signature.
 */
export function signRequest(request: RemotingCommand, credentials: SessionCredentials): void {
  request.setExtField(AclExtField.ACCESS_KEY, credentials.accessKey);
  if (credentials.securityToken !== undefined) {
    request.setExtField(AclExtField.SECURITY_TOKEN, credentials.securityToken);
  }
  request.setExtField(AclExtField.SIGNATURE, undefined);
  request.setExtField(AclExtField.SIGNATURE, calSignature(aclSignedContent(request), credentials.secretKey));
}

/** Credentials from client options: none without an access key; an access key without a secret key is a misuse. */
export function sessionCredentialsOf(options: {
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
}): SessionCredentials | undefined {
  if (!options.accessKey && !options.secretKey) return undefined;
  if (!options.accessKey || !options.secretKey) {
    throw new MQClientError('ACL needs both accessKey and secretKey; set both or neither');
  }
  return {
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    ...(options.securityToken ? { securityToken: options.securityToken } : {}),
  };
}

/**
 * A remoting client that signs every request it sends with ACL 1.0 (the Java client registers `AclClientRPCHook` on
 * its remoting client the same way): name server and broker requests, sync and oneway.
 */
export class AclRemotingClient extends RemotingClient {
  constructor(
    options: RemotingClientOptions,
    private readonly credentials: SessionCredentials,
  ) {
    super(options);
  }

  override invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    signRequest(request, this.credentials);
    return super.invoke(addr, request, timeoutMs);
  }

  override invokeOneway(addr: string, request: RemotingCommand, timeoutMs: number): Promise<void> {
    signRequest(request, this.credentials);
    return super.invokeOneway(addr, request, timeoutMs);
  }
}

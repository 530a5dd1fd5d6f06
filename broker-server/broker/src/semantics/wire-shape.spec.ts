import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemotingCommand } from '@rocketnest/remoting';
import { createLockBatchMqProcessor, createUnlockBatchMqProcessor } from './lock/lock-batch.processor';
import { RebalanceLockManager } from './lock/rebalance-lock-manager';

interface Frame {
  version: string;
  scenario: string;
  kind: string;
  code: number;
  requestCode?: number;
  opaque: number;
  headerText: string;
  bodyText?: string;
}

const { frames } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'java-semantics-frames.json'), 'utf8'),
) as { frames: Frame[] };

const channel = {
  id: 'c1',
  remoteAddr: '127.0.0.1:1',
  localAddr: '127.0.0.1:2',
  isActive: () => true,
  close: () => {},
};

function javaRequest(version: string, code: number): Frame {
  return frames.find((f) => f.version === version && f.kind === 'request' && f.code === code)!;
}
function javaResponse(version: string, requestCode: number): Frame {
  return frames.find((f) => f.version === version && f.kind === 'response' && f.requestCode === requestCode)!;
}

/** Our answer's header as the Java broker would write it for the same request (its opaque and version). */
function headerLikeJava(response: RemotingCommand, java: Frame): string {
  response.opaque = java.opaque;
  response.version = (JSON.parse(java.headerText) as { version: number }).version;
  return response.jsonHeader();
}

describe.each(['4.9.4', '5.2.0'])('LOCK_BATCH_MQ / UNLOCK_BATCH_MQ answers match Apache RocketMQ %s', (version) => {
  it('answers a captured Java lock request with the same header and body', () => {
    const javaReq = javaRequest(version, 41);
    const request = RemotingCommand.createRequest(41, {}, Buffer.from(javaReq.bodyText!, 'utf8'));
    const response = createLockBatchMqProcessor(new RebalanceLockManager())(request, channel);
    const java = javaResponse(version, 41);
    expect(headerLikeJava(response, java)).toBe(java.headerText);
    expect(response.body!.toString('utf8')).toBe(java.bodyText);
  });

  it('answers a captured Java unlock request with the same header and no body', () => {
    const javaReq = javaRequest(version, 42);
    const request = RemotingCommand.createRequest(42, {}, Buffer.from(javaReq.bodyText!, 'utf8'));
    const response = createUnlockBatchMqProcessor(new RebalanceLockManager())(request, channel);
    const java = javaResponse(version, 42);
    expect(headerLikeJava(response, java)).toBe(java.headerText);
    expect(response.body).toBeUndefined();
  });
});

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MQClientError, RequestCode } from '@rocketnest/common';
import { RemotingCommand } from '@rocketnest/remoting';
import { AclExtField, aclSignedContent, calSignature, sessionCredentialsOf, signRequest } from './acl-client-rpc-hook';

interface JavaSigned {
  rocketmq: string;
  code: number;
  codeName: string;
  version: number;
  extFields: Record<string, string>;
  bodyHex: string;
}
const golden = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'java-acl-signed-requests.json'), 'utf8')) as {
  accessKey: string;
  secretKey: string;
  requests: JavaSigned[];
};

describe('ACL 1.0 request signing (AclClientRPCHook)', () => {
  it('signs sorted ext field values plus the body with HmacSHA1, as computed independently', () => {
    const body = Buffer.from('{"clientID":"c1"}', 'utf8');
    const req = RemotingCommand.createRequest(
      RequestCode.PULL_MESSAGE,
      { topic: 'TopicA', queueId: 3, consumerGroup: 'g1', Zeta: 'z', queueOffset: 42n },
      body,
    );
    signRequest(req, { accessKey: 'ak-1', secretKey: 'sk-1', securityToken: 'tok' });
    // Key order by UTF-16 code unit, written out by hand: AccessKey, SecurityToken, Zeta, consumerGroup, queueId,
    // queueOffset, topic.
    const content = Buffer.concat([Buffer.from('ak-1' + 'tok' + 'z' + 'g1' + '3' + '42' + 'TopicA', 'utf8'), body]);
    const expected = createHmac('sha1', 'sk-1').update(content).digest('base64');
    expect(req.extFields).toMatchObject({ AccessKey: 'ak-1', SecurityToken: 'tok', Signature: expected });
    expect(aclSignedContent(req)).toEqual(content);
  });

  it('leaves SecurityToken out when none is given and signs a bodiless request over its fields only', () => {
    const req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    signRequest(req, { accessKey: 'rocketmq2', secretKey: '12345678' });
    expect(req.extFields?.[AclExtField.SECURITY_TOKEN]).toBeUndefined();
    expect(req.extFields?.Signature).toBe(createHmac('sha1', '12345678').update('rocketmq2TBW102').digest('base64'));
  });

  it('re-signing a retried command replaces the signature instead of signing the old one', () => {
    const req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' });
    signRequest(req, { accessKey: 'a', secretKey: 's' });
    const first = req.extFields?.Signature;
    signRequest(req, { accessKey: 'a', secretKey: 's' });
    expect(req.extFields?.Signature).toBe(first);
    expect(Object.keys(req.extFields ?? {}).sort()).toEqual(['AccessKey', 'Signature', 'topic']);
  });

  it('leaves _UNIQUE_KEY_QUERY out of the content only for requests announcing V4_9_3 or older', () => {
    const fields = { topic: 'T', key: 'k', _UNIQUE_KEY_QUERY: 'true', AccessKey: 'a' };
    const current = RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE, fields);
    // '_' (0x5F) sorts between upper- and lower-case letters: AccessKey, _UNIQUE_KEY_QUERY, key, topic.
    expect(aclSignedContent(current).toString()).toBe('atruekT');
    const old = RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE, fields);
    old.version = 399;
    expect(aclSignedContent(old).toString()).toBe('akT');
  });

  it.each(golden.requests.map((r) => [`${r.rocketmq} ${r.codeName}${r.bodyHex ? ' (with body)' : ''}`, r] as const))(
    'reproduces the signature of Java %s',
    (_name, captured) => {
      const { Signature: javaSignature, ...unsigned } = captured.extFields;
      const req = RemotingCommand.createRequest(
        captured.code,
        unsigned,
        captured.bodyHex ? Buffer.from(captured.bodyHex, 'hex') : undefined,
      );
      req.version = captured.version;
      signRequest(req, { accessKey: golden.accessKey, secretKey: golden.secretKey });
      expect(req.extFields?.Signature).toBe(javaSignature);
    },
  );

  it('covers both versions, bodies and the unique-key query flag in the golden captures', () => {
    expect(new Set(golden.requests.map((r) => r.rocketmq))).toEqual(new Set(['4.9.4', '5.2.0']));
    expect(golden.requests.some((r) => r.bodyHex.length > 0)).toBe(true);
    expect(golden.requests.some((r) => '_UNIQUE_KEY_QUERY' in r.extFields)).toBe(true);
  });

  it('calSignature is Base64(HmacSHA1) of raw bytes', () => {
    const data = Buffer.from([0, 1, 2, 0xff]);
    expect(calSignature(data, 'k')).toBe(createHmac('sha1', 'k').update(data).digest('base64'));
  });

  it('takes credentials from client options: none, both, or a typed error for half', () => {
    expect(sessionCredentialsOf({})).toBeUndefined();
    expect(sessionCredentialsOf({ accessKey: '', secretKey: '' })).toBeUndefined();
    expect(sessionCredentialsOf({ accessKey: 'a', secretKey: 's', securityToken: 't' })).toEqual({
      accessKey: 'a',
      secretKey: 's',
      securityToken: 't',
    });
    expect(() => sessionCredentialsOf({ accessKey: 'a' })).toThrow(MQClientError);
    expect(() => sessionCredentialsOf({ secretKey: 's' })).toThrow(/both accessKey and secretKey/);
  });
});

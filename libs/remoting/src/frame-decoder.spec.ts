import { RemotingCommandError } from '@rocketnest/common';
import { FrameDecoder } from './frame-decoder';
import { RemotingCommand, SerializeType } from './remoting-command';

function sampleStream(): { bytes: Buffer; commands: RemotingCommand[] } {
  const commands: RemotingCommand[] = [];
  for (let i = 0; i < 30; i++) {
    const cmd = RemotingCommand.createRequest(
      100 + i,
      i % 3 === 0 ? undefined : { topic: `T${i}`, queueId: i },
      i % 4 === 0 ? undefined : Buffer.alloc(i * 37, i),
    );
    cmd.serializeType = i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ;
    commands.push(cmd);
  }
  return { bytes: Buffer.concat(commands.map((c) => c.encode())), commands };
}

function summary(cmds: RemotingCommand[]): unknown[] {
  return cmds.map((c) => [c.code, c.opaque, c.serializeType, c.extFields ?? null, c.body?.toString('hex') ?? '']);
}

describe('FrameDecoder', () => {
  const { bytes, commands } = sampleStream();
  const expected = summary(commands);

  it('decodes many frames from one chunk', () => {
    expect(summary(new FrameDecoder().push(bytes))).toEqual(expected);
  });

  it('decodes the same frames when fed one byte at a time', () => {
    const d = new FrameDecoder();
    const out: RemotingCommand[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    expect(summary(out)).toEqual(expected);
    expect(d.pendingBytes).toBe(0);
  });

  it('decodes the same frames under random splits', () => {
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      const d = new FrameDecoder();
      const out: RemotingCommand[] = [];
      let pos = 0;
      while (pos < bytes.length) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const n = 1 + (seed % 300);
        out.push(...d.push(bytes.subarray(pos, pos + n)));
        pos += n;
      }
      expect(summary(out)).toEqual(expected);
    }
  });

  it('holds a partial frame until the rest arrives', () => {
    const d = new FrameDecoder();
    const frame = commands[1]!.encode();
    expect(d.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(d.pendingBytes).toBe(frame.length - 1);
    expect(d.push(frame.subarray(frame.length - 1))).toHaveLength(1);
  });

  it('rejects a length smaller than the header-length word', () => {
    const d = new FrameDecoder();
    expect(() => d.push(Buffer.from([0, 0, 0, 2, 0, 0]))).toThrow(/Bad frame length 2/);
    expect(() => new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(RemotingCommandError);
  });

  it('rejects a frame over the 16 MiB default before it arrives', () => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(16 * 1024 * 1024 - 3, 0);
    expect(() => new FrameDecoder().push(head)).toThrow(/exceeds the maximum frame length 16777216/);
    const ok = Buffer.alloc(4);
    ok.writeInt32BE(16 * 1024 * 1024 - 4, 0);
    expect(new FrameDecoder().push(ok)).toEqual([]);
  });

  it('honours a configured maxFrameLength', () => {
    const frame = RemotingCommand.createRequest(1, undefined, Buffer.alloc(100)).encode();
    expect(() => new FrameDecoder({ maxFrameLength: 64 }).push(frame)).toThrow(RemotingCommandError);
    expect(new FrameDecoder({ maxFrameLength: frame.length }).push(frame)).toHaveLength(1);
  });

  it('rejects a header longer than the frame and an unknown serialize type', () => {
    const f = Buffer.alloc(12);
    f.writeInt32BE(8, 0);
    f.writeInt32BE(50, 4);
    expect(() => new FrameDecoder().push(f)).toThrow(/Bad header length 50/);
    const g = Buffer.alloc(10);
    g.writeInt32BE(6, 0);
    g.writeUInt32BE((9 << 24) | 2, 4);
    expect(() => new FrameDecoder().push(g)).toThrow(/Unknown serialize type 9/);
  });

  it('rejects a bad serialize type or header length as soon as the header word arrives', () => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(10_000_000, 0);
    head.writeUInt32BE((3 << 24) | 10, 4);
    expect(() => new FrameDecoder().push(head)).toThrow(/Unknown serialize type 3/);
    const d = new FrameDecoder();
    head.writeUInt32BE(10_000_000, 4);
    expect(d.push(head.subarray(0, 6))).toEqual([]);
    expect(() => d.push(head.subarray(6))).toThrow(/Bad header length 10000000/);
  });

  it('stays failed after an error', () => {
    const d = new FrameDecoder();
    expect(() => d.push(Buffer.from([0, 0, 0, 0]))).toThrow(RemotingCommandError);
    expect(() => d.push(commands[0]!.encode())).toThrow(RemotingCommandError);
  });
});

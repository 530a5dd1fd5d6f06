import { RemotingCommandError } from '../errors/rocketmq-error';

jest.mock('lz4-napi', () => {
  throw new Error('Cannot find native binding for this platform');
});
jest.mock('@mongodb-js/zstd', () => {
  throw new Error('Cannot find native binding for this platform');
});

describe('body compression without the native binaries', () => {
  it('keeps ZLIB and ZSTD decompression working and names the missing type', async () => {
    const c = await import('./compression');
    expect(c.isCompressionAvailable('ZLIB')).toBe(true);
    expect(c.isCompressionAvailable('LZ4')).toBe(false);
    expect(c.isCompressionAvailable(c.CompressionType.ZSTD)).toBe(false);
    const body = Buffer.from('still works '.repeat(1000));
    expect(c.decompressBody(c.compressBody(body), 0x301).equals(body)).toBe(true);
    expect(() => c.assertCompressionAvailable('LZ4')).toThrow(c.CompressionUnavailableError);
    expect(() => c.compressBody(body, { type: 'LZ4' })).toThrow(/^LZ4 compression is not available .*lz4-napi/);
    await expect(c.compressBodyAsync(body, { type: 'ZSTD' })).rejects.toMatchObject({
      compressionType: 'ZSTD',
      packageName: '@mongodb-js/zstd',
    });
    // The zstd body the Java 5.2.0 ZstdCompressor wrote for `runs` (100000 zero bytes) still decompresses (pure JS).
    const javaZstd = Buffer.from('KLUv/QBYVAAAEAAAAQCbhjnAAgEAAA==', 'base64');
    expect(c.decompressBody(javaZstd, 0x201).equals(Buffer.alloc(100000))).toBe(true);
    expect(() => c.decompressBody(Buffer.from('not zstd'), 0x201)).toThrow(RemotingCommandError);
    const lz4Frame = Buffer.from('BCJNGGBAggsAAIBoZWxsbyB3b3JsZAAAAAA=', 'base64');
    expect(() => c.decompressBody(lz4Frame, 0x101)).toThrow(c.CompressionUnavailableError);
  });
});

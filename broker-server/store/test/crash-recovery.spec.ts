/**
 * Crash test: a child process appends with 16 concurrent appenders and reports each acknowledged put; it is SIGKILLed
 * at a random point, the store is recovered in this process and checked, and the cycle repeats on the same directory.
 * SYNC_FLUSH: every acknowledged message must read back byte-identical. Both modes: no torn record is ever served and
 * queue offsets stay dense.
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { decodeMessageRecord } from '@rocketnest/common';
import { waitFor } from '../../../test/utils/wait-for';
import { DefaultMessageStore } from '../src/default-message-store';
import type { FlushDiskType } from '../src/message-store-config';
import { CRASH_QUEUES, CRASH_TOPIC, crashBody, crashConfig } from './crash-shared';
import { makeTempDir } from './store-test-utils';

interface Ack {
  seq: number;
  queueId: number;
  queueOffset: number;
  offset: number;
  size: number;
}

const CHILD = path.join(__dirname, 'crash-child.js');

/** Runs the child until it has acknowledged `minAcks` puts, then SIGKILLs it. */
async function runAndKill(dir: string, flush: FlushDiskType, startSeq: number, minAcks: number): Promise<Ack[]> {
  const child = spawn(process.execPath, [CHILD, dir, flush, String(startSeq), '16'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let pending = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const p = line.split(' ');
      if (p[0] !== 'ACK') continue;
      acks.push({ seq: +p[1]!, queueId: +p[2]!, queueOffset: +p[3]!, offset: +p[4]!, size: +p[5]! });
    }
  });
  try {
    await waitFor(() => acks.length >= minAcks || exited, { timeoutMs: 15000, intervalMs: 2 });
    if (exited) throw new Error(`crash child exited early: ${stderr}`);
  } finally {
    child.kill('SIGKILL');
    await exit;
  }
  return acks;
}

async function openRecovered(dir: string, flush: FlushDiskType): Promise<DefaultMessageStore> {
  const store = new DefaultMessageStore(crashConfig(dir, flush));
  store.logger = { warn: () => undefined, error: () => undefined };
  await store.start();
  return store;
}

/** Pulls every queue from its minimum: every record must be whole, CRC-valid and where the queue says. */
async function checkNoTornRecord(store: DefaultMessageStore): Promise<number> {
  let served = 0;
  for (let q = 0; q < CRASH_QUEUES; q++) {
    const max = store.getMaxOffsetInQueue(CRASH_TOPIC, q);
    let offset = Math.max(0, store.getMinOffsetInQueue(CRASH_TOPIC, q));
    while (offset < max) {
      const r = await store.getMessage('g', CRASH_TOPIC, q, offset, 32, 1 << 20);
      expect(r.status).toBe('FOUND');
      r.messageBuffers.forEach((buf, i) => {
        const msg = decodeMessageRecord(buf, 0, { checkCRC: true });
        expect(msg.storeSize).toBe(buf.length);
        expect(msg.queueOffset).toBe(r.messageQueueOffsets[i]);
        expect(msg.queueId).toBe(q);
        expect(msg.body.equals(crashBody(Number(msg.getProperty('seq'))))).toBe(true);
      });
      // Dense: every offset in [min, max) is served.
      expect(r.messageQueueOffsets).toEqual(r.messageQueueOffsets.map((_, i) => offset + i));
      served += r.messageCount;
      offset = r.nextBeginOffset;
    }
  }
  return served;
}

describe('crash recovery (SIGKILL of an appending process)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir('rn-crash-');
  });

  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('SYNC_FLUSH: every acknowledged message survives each kill byte-identical and nothing torn is served', async () => {
    const acked: Ack[] = [];
    for (let round = 0; round < 4; round++) {
      const minAcks = 50 + Math.floor(Math.random() * 600);
      acked.push(...(await runAndKill(dir, 'SYNC_FLUSH', round * 1_000_000, minAcks)));
      const store = await openRecovered(dir, 'SYNC_FLUSH');
      try {
        expect(store.lastShutdownWasClean).toBe(false);
        for (const a of acked) {
          const buf = await store.selectOneMessageByOffset(a.offset, a.size);
          expect(buf).not.toBeNull();
          const msg = decodeMessageRecord(buf!, 0, { checkCRC: true });
          expect([msg.getProperty('seq'), msg.queueId, msg.queueOffset]).toEqual([
            String(a.seq),
            a.queueId,
            a.queueOffset,
          ]);
          expect(msg.body.equals(crashBody(a.seq))).toBe(true);
          expect(store.getMaxOffsetInQueue(CRASH_TOPIC, a.queueId)).toBeGreaterThan(a.queueOffset);
        }
        expect(await checkNoTornRecord(store)).toBeGreaterThanOrEqual(acked.length);
      } finally {
        await store.shutdown();
      }
    }
  }, 40000);

  it('ASYNC_FLUSH: no torn record is served after each kill', async () => {
    for (let round = 0; round < 2; round++) {
      const acks = await runAndKill(dir, 'ASYNC_FLUSH', round * 1_000_000, 200 + Math.floor(Math.random() * 2000));
      const store = await openRecovered(dir, 'ASYNC_FLUSH');
      try {
        expect(acks.length).toBeGreaterThan(0);
        await checkNoTornRecord(store);
      } finally {
        await store.shutdown();
      }
    }
  }, 30000);
});

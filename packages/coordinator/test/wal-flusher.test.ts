import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WalFlusher, type CommitAnswer } from '../src/store/wal-flusher.js';

/** An answer that records how it was given. */
function answer(log: string[], name: string): CommitAnswer {
  return { settle: () => log.push(`${name} ok`), reject: (err) => log.push(`${name} ${(err as Error).message}`) };
}

describe('WalFlusher', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'florin-wal-flusher-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers after a flush that started after the commit; a read rides the running flush or is answered at once', async () => {
    const wal = join(dir, 'db-wal');
    writeFileSync(wal, 'frames');
    const flusher = new WalFlusher(wal);
    const log: string[] = [];
    flusher.after([answer(log, 'a')], false);
    expect(log).toEqual(['a ok']); // nothing to flush: at once, no flush
    flusher.after([answer(log, 'w1')], true); // starts flush 1
    flusher.after([answer(log, 'r1')], false); // saw only what flush 1 covers
    flusher.after([answer(log, 'w2')], true); // committed during flush 1: waits for flush 2
    flusher.after([answer(log, 'r2')], false); // saw w2: waits for flush 2 too
    expect(log).toEqual(['a ok']);
    await flusher.close();
    expect(log).toEqual(['a ok', 'w1 ok', 'r1 ok', 'w2 ok', 'r2 ok']);
    expect(flusher.count).toBe(2);
    expect(flusher.failed).toBeUndefined();
    await flusher.close();
  });

  it('a flush that fails refuses its answers and every later one', async () => {
    const flusher = new WalFlusher(join(dir, 'missing', 'db-wal'));
    const log: string[] = [];
    flusher.after([answer(log, 'w1')], true);
    flusher.after([answer(log, 'w2')], true);
    await flusher.close();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^w1 the write-ahead log .*db-wal could not be flushed to disk \(ENOENT.*restart the coordinator$/);
    expect(log[1]).toMatch(/^w2 the write-ahead log/);
    expect(flusher.failed?.message).toMatch(/could not be flushed/);
    flusher.after([answer(log, 'r')], false);
    expect(log[2]).toMatch(/^r the write-ahead log/);
    expect(flusher.count).toBe(0);
  });
});

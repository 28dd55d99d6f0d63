import { describe, expect, it } from 'vitest';
import { TaskAbort } from '../src/task-abort.js';

describe('TaskAbort', () => {
  it('a signal asked for before abort() fires with the reason', () => {
    const abort = new TaskAbort();
    const signal = abort.signal;
    let heard: unknown;
    signal.addEventListener('abort', () => (heard = signal.reason as unknown));
    expect(abort.aborted).toBe(false);
    const reason = new Error('lease lost');
    abort.abort(reason);
    expect(abort.aborted).toBe(true);
    expect(heard).toBe(reason);
    expect(abort.signal).toBe(signal);
  });

  it('a signal first asked for after abort() is already aborted with the first reason', () => {
    const abort = new TaskAbort();
    const first = new Error('cancelled');
    abort.abort(first);
    abort.abort(new Error('again'));
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(first);
  });
});

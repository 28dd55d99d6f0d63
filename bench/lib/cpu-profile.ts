import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * In-process V8 CPU profiles of chosen stretches of a benchmark (unlike
 * `node --cpu-prof`, which covers the whole process, loading included). Each
 * profiled stretch is written to `<dir>/<name>.cpuprofile`, readable by
 * Chrome DevTools and by bench/dist/profile-top.js. Without a dir, profile() just runs the body.
 */
export class CpuProfiler {
  private session: Session | undefined;

  constructor(private readonly dir: string | undefined) {}

  async profile<T>(name: string, body: () => Promise<T>): Promise<T> {
    if (this.dir === undefined) return body();
    if (!this.session) {
      mkdirSync(this.dir, { recursive: true });
      this.session = new Session();
      this.session.connect();
      await this.session.post('Profiler.enable');
      await this.session.post('Profiler.setSamplingInterval', { interval: 250 });
    }
    await this.session.post('Profiler.start');
    try {
      return await body();
    } finally {
      const { profile } = await this.session.post('Profiler.stop');
      writeFileSync(join(this.dir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`), JSON.stringify(profile));
    }
  }

  /** Idempotent. */
  close(): void {
    this.session?.disconnect();
    this.session = undefined;
  }
}

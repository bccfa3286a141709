import { MaintenanceLock } from './maintenance-lock';

describe('MaintenanceLock', () => {
  it('runs tasks one at a time, in order, and goes on after a failure', async () => {
    const lock = new MaintenanceLock();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const a = lock.run(task('a', 30));
    const b = lock.run(task('b', 5, true));
    const c = lock.run(task('c', 1));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('is idle once every task queued, even while waiting, has finished', async () => {
    const lock = new MaintenanceLock();
    let done = 0;
    void lock.run(async () => {
      await new Promise((r) => setTimeout(r, 10));
      void lock.run(async () => void done++); // queued while the first runs
      done++;
    });
    await lock.idle();
    expect(done).toBe(2);
  });
});

import { WriteLock } from './write-lock';

describe(WriteLock.name, () => {
  it('runs work one after another', async () => {
    const sut = new WriteLock();
    const events: string[] = [];
    const step = (name: string) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} end`);
    };

    await Promise.all([sut.run(step('a')), sut.run(step('b'))]);

    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('continues after a failed write', async () => {
    const sut = new WriteLock();

    const failed = sut.run(() => Promise.reject(new Error('constraint failed')));
    const next = sut.run(async () => 'written');

    await expect(failed).rejects.toThrow('constraint failed');
    await expect(next).resolves.toBe('written');
  });

  it('idle waits for queued writes', async () => {
    const sut = new WriteLock();
    let done = false;
    void sut.run(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done = true;
    });

    await sut.idle();

    expect(done).toBe(true);
  });
});

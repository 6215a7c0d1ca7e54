import { TimeSlice, restAfter } from './time-slice';

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Stands for synchronous work of a job loop.
  }
}

describe(TimeSlice.name, () => {
  it('lets queued callbacks run once the budget is used', async () => {
    const sut = new TimeSlice(5);
    let ran = false;
    setImmediate(() => (ran = true));

    busyWait(10);
    await sut.yieldIfDue();

    expect(ran).toBe(true);
  });

  it('keeps running within the budget', async () => {
    const sut = new TimeSlice(60_000);
    let ran = false;
    setImmediate(() => (ran = true));

    await sut.yieldIfDue();

    expect(ran).toBe(false);
  });
});

describe('restAfter', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('rests twice as long as a long task', async () => {
    jest.useFakeTimers();
    let done = false;
    void restAfter(60).then(() => (done = true));

    await jest.advanceTimersByTimeAsync(119);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('only yields after short work', async () => {
    let ran = false;
    setImmediate(() => (ran = true));

    await restAfter(5);

    expect(ran).toBe(true);
  });
});

import { FixedClock } from '@stadtdaten/contracts';
import { TokenBucketRateLimiter } from './rate-limiter';

describe(TokenBucketRateLimiter.name, () => {
  const START_MS = 1_700_000_000_000;
  let clock: FixedClock;

  function makeSut(overrides: Partial<ConstructorParameters<typeof TokenBucketRateLimiter>[0]> = {}) {
    return new TokenBucketRateLimiter({ perSecond: 10, burst: 5, ...overrides }, clock);
  }

  function allowedOf(sut: TokenBucketRateLimiter, key: string, count: number): number {
    let allowed = 0;
    for (let index = 0; index < count; index += 1) {
      allowed += sut.take(key).allowed ? 1 : 0;
    }

    return allowed;
  }

  beforeEach(() => {
    clock = new FixedClock(START_MS);
  });

  it('allows a burst and rejects the next request', () => {
    const sut = makeSut();

    expect(allowedOf(sut, 'a', 5)).toBe(5);
    expect(sut.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRejection: true });
  });

  it('refills at the per-second rate', () => {
    const sut = makeSut();
    allowedOf(sut, 'a', 5);

    clock.set(START_MS + 300);

    expect(allowedOf(sut, 'a', 5)).toBe(3);
  });

  it('never holds more than the burst', () => {
    const sut = makeSut();
    sut.take('a');

    clock.set(START_MS + 3_600_000);

    expect(allowedOf(sut, 'a', 10)).toBe(5);
  });

  it('keeps clients apart', () => {
    const sut = makeSut();
    allowedOf(sut, 'a', 10);

    expect(allowedOf(sut, 'b', 5)).toBe(5);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const sut = makeSut({ perSecond: 0.25, burst: 1 });
    sut.take('a');

    expect(sut.take('a').retryAfterSeconds).toBe(4);
  });

  it('reports the first rejection once per flood', () => {
    const sut = makeSut();
    allowedOf(sut, 'a', 5);

    expect(sut.take('a').firstRejection).toBe(true);
    clock.set(START_MS + 100);
    expect(sut.take('a')).toMatchObject({ allowed: true });
    expect(sut.take('a').firstRejection).toBe(false);
    clock.set(START_MS + 10_000);
    sut.take('a');
    allowedOf(sut, 'a', 4);
    expect(sut.take('a').firstRejection).toBe(true);
  });

  it('ignores a clock that goes back', () => {
    const sut = makeSut();
    allowedOf(sut, 'a', 5);

    clock.set(START_MS - 60_000);

    expect(sut.take('a').allowed).toBe(false);
  });

  it('drops the least recently used client beyond maxClients', () => {
    const sut = makeSut({ maxClients: 2 });
    allowedOf(sut, 'a', 5);
    sut.take('b');
    sut.take('c');

    expect(sut.size).toBe(2);
    expect(allowedOf(sut, 'a', 5)).toBe(5);
  });

  it('allows everything with a rate of 0', () => {
    const sut = makeSut({ perSecond: 0 });

    expect(allowedOf(sut, 'a', 1_000)).toBe(1_000);
    expect(sut.size).toBe(0);
  });
});

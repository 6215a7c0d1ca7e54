/** The time source of a service, injected so tests can fix the time. */
export class Clock {
  /** Current time, UTC epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}

/** A clock that returns a set time; for tests. */
export class FixedClock extends Clock {
  constructor(private timeMs: number) {
    super();
  }

  override now(): number {
    return this.timeMs;
  }

  set(timeMs: number): void {
    this.timeMs = timeMs;
  }
}

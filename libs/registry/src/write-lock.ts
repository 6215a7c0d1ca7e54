/**
 * Runs registry writes one after another, because the embedded SQLite driver shares one
 * connection and two write transactions on it must not overlap. Reads first wait for the
 * writes queued before them, so they see those writes committed.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);

    return result;
  }

  /** Resolves when every write queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

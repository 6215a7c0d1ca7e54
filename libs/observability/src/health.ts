/** A named readiness check that returns true while the dependency responds. */
export type ReadinessCheck = () => Promise<boolean>;

/**
 * Collects readiness checks of the ports a process uses. `/health/ready` is true only
 * while every check passes and the process is not shutting down.
 */
export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  private stopping = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markStopping(): void {
    this.stopping = true;
  }

  async readiness(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await check().catch(() => false)] as const),
    );
    const checks = Object.fromEntries(entries);

    return { ready: !this.stopping && entries.every(([, ok]) => ok), checks };
  }
}

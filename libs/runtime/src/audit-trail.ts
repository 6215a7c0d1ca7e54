import { Injectable } from '@nestjs/common';
import { type AuditAction, AuditLog, type AuditOutcome, type AuditTarget, auditPrincipal } from '@stadtdaten/audit';
import type { Principal } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';

/** Shortest time between two failed-login entries of the same client address and reason. */
const FAILED_LOGIN_WINDOW_MS = 60_000;
/** Bound of the failed-login throttle table; the oldest window is dropped beyond it. */
const FAILED_LOGIN_KEYS = 10_000;

/**
 * Writes audit entries for the services. An entry that cannot be written is logged as an
 * error and never fails the request that caused it, because the request already happened.
 */
@Injectable()
export class AuditTrail {
  private readonly log: Logger;
  private readonly failedLogins = new Map<string, { sinceMs: number; count: number }>();

  constructor(
    private readonly auditLog: AuditLog,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'audit-trail' });
  }

  async record(
    principal: Principal | undefined,
    action: AuditAction,
    target: AuditTarget,
    outcome: AuditOutcome,
    details: Record<string, string | number | boolean | null> = {},
  ): Promise<void> {
    try {
      await this.auditLog.append({ action, actor: auditPrincipal(principal), target, outcome, details });
    } catch (error) {
      this.log.error({ err: error, action, target }, 'audit entry not written');
    }
  }

  /**
   * Records a rejected token with the subject it claims (unverified, so only a hint). Repeats
   * from one client address with the same reason within a minute are counted into the next
   * entry, so a flood of bad tokens cannot flood the audit log. The address itself is
   * person-related data and is not written.
   */
  async failedLogin(clientAddress: string, claimedSubject: string | null, reason: string, nowMs: number): Promise<void> {
    const key = `${clientAddress}\u0000${reason}`;
    const window = this.failedLogins.get(key);
    if (window !== undefined && nowMs - window.sinceMs < FAILED_LOGIN_WINDOW_MS) {
      window.count += 1;
      return;
    }
    this.failedLogins.delete(key);
    if (this.failedLogins.size >= FAILED_LOGIN_KEYS) {
      this.failedLogins.delete(this.failedLogins.keys().next().value!);
    }
    this.failedLogins.set(key, { sinceMs: nowMs, count: 0 });
    await this.record(
      undefined,
      'LOGIN_FAILED',
      { tenant: null, resourceType: 'token', resourceId: null },
      'denied',
      { claimedSubject, reason, repeatsBefore: window?.count ?? 0 },
    );
  }
}

import { Injectable } from '@nestjs/common';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { type RejectionResubmission, RejectionStore } from '@stadtdaten/dead-letter';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { type IncomingPayload, IngestService } from './ingest.service';

/** Outcome of a re-submission: the id of the new raw message and the mark left on the rejection. */
export interface Resubmitted {
  messageId: string;
  resubmission: RejectionResubmission;
}

/**
 * Sends the corrected payload of a rejected message again and marks the rejection as
 * re-submitted, so that the operators' list of open rejections drops it.
 */
@Injectable()
export class ResubmissionService {
  private readonly log: Logger;

  constructor(
    private readonly ingest: IngestService,
    private readonly rejections: RejectionStore,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'resubmission' });
  }

  /**
   * Marks the rejection before the payload is sent. The corrected message is received after the
   * mark, so if it fails in the same way (same rejection id), its rejection reopens the entry.
   * When sending fails, the mark is removed again.
   */
  async resubmit(incoming: IncomingPayload, rejectionId: string, subject: string): Promise<Resubmitted> {
    const { tenant } = incoming;
    const resubmission: RejectionResubmission = { resubmittedAtMs: this.clock.now(), resubmittedBy: subject };
    if (!(await this.rejections.markResubmitted(tenant, rejectionId, resubmission))) {
      throw await this.markFailure(tenant, rejectionId);
    }

    let messageId: string;
    try {
      messageId = await this.ingest.accept(incoming);
    } catch (error) {
      await this.rejections
        .unmarkResubmitted(tenant, rejectionId, resubmission)
        .catch((unmarkError: unknown) => {
          this.log.error(
            { err: unmarkError, tenant, rejectionId },
            're-submission failed and its mark stays on the rejection',
          );
        });
      throw error;
    }
    this.log.debug({ tenant, rejectionId, messageId }, 'rejection re-submitted');

    return { messageId, resubmission };
  }

  private async markFailure(tenant: string, rejectionId: string): Promise<AppError> {
    const stored = await this.rejections.get(tenant, rejectionId);
    if (stored === undefined) {
      return new AppError(
        ErrorCode.NOT_FOUND,
        `rejection "${rejectionId}" not found in tenant "${tenant}"; GET /api/v1/tenants/${tenant}/rejections lists the rejections`,
      );
    }
    if (stored.resubmittedAtMs === undefined) {
      // Another request's mark was removed in between: its sending failed, or the rejection reopened.
      return new AppError(
        ErrorCode.CONFLICT,
        `rejection "${rejectionId}" changed while it was being marked; send the corrected message again`,
        { retriable: true },
      );
    }
    const at = new Date(stored.resubmittedAtMs).toISOString();

    return new AppError(
      ErrorCode.CONFLICT,
      `rejection "${rejectionId}" was re-submitted already, at ${at} by "${stored.resubmittedBy}"; if that message fails too, its rejection is listed as open`,
    );
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { decodeJwt } from 'jose';
import { AuditTrail } from './audit-trail';
import { ProcessLogger } from '@stadtdaten/observability';
import type { Request, Response } from 'express';
import { preferredLanguage } from './problem-messages';
import { type ClientProblem, bodyParserProblem } from './json-body-limit';
import { appErrorProblem, problemDetails } from './problem-details';

/**
 * Maps every error of an HTTP route to an RFC 9457 problem+json response with a German or
 * English title (Accept-Language, German by default). Unknown errors become a generic 500
 * whose detail is logged once, here.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: ProcessLogger,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const language = preferredLanguage(request.headers['accept-language']);
    const { code, status, message } = this.classify(error, request);
    if (code === ErrorCode.UNAUTHENTICATED && typeof request.headers.authorization === 'string') {
      void this.audit.failedLogin(request.ip ?? 'unknown', claimedSubject(request.headers.authorization), message, this.clock.now());
    }

    response
      .status(status)
      .type('application/problem+json')
      .json(problemDetails({ code, status, message }, language, request.originalUrl));
  }

  private classify(error: unknown, request: Request): ClientProblem {
    if (error instanceof AppError) {
      const log = this.logger.root;
      log.info({ code: error.code, method: request.method, path: request.path }, 'request rejected');

      return appErrorProblem(error);
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code =
        status === 404
          ? 'NOT_FOUND'
          : status === 413
            ? 'PAYLOAD_TOO_LARGE'
            : status >= 500
              ? 'INTERNAL'
              : 'VALIDATION_FAILED';

      return { code, status, message: error.message };
    }
    const bodyProblem = bodyParserProblem(error);
    if (bodyProblem !== undefined) {
      this.logger.root.info({ code: bodyProblem.code, method: request.method, path: request.path }, 'request rejected');

      return bodyProblem;
    }
    this.logger.root.error({ err: error, method: request.method, path: request.path }, 'request failed');

    return { code: 'INTERNAL', status: 500, message: 'internal error' };
  }
}

/** The `sub` claim of a bearer token that failed verification, read without trusting it; null when unreadable. */
function claimedSubject(authorization: string): string | null {
  try {
    const subject = decodeJwt(authorization.replace(/^Bearer\s+/i, '')).sub;
    return typeof subject === 'string' ? subject.slice(0, 200) : null;
  } catch {
    return null;
  }
}

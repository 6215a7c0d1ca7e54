import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { NextFunction, Request } from 'express';
import { MAX_JSON_BODY_DEPTH, exceedsJsonDepth } from './json-body-limit';

/**
 * Rejects requests whose shape the routes do not expect, before any route reads them: a query
 * parameter given more than once (Express then passes an array where routes expect a string)
 * and a JSON body nested deeper than MAX_JSON_BODY_DEPTH.
 */
@Injectable()
export class RequestShapeMiddleware implements NestMiddleware {
  use(request: Request, _response: unknown, next: NextFunction): void {
    for (const [name, value] of Object.entries(request.query)) {
      if (typeof value !== 'string') {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `query parameter "${name.slice(0, 80)}" is given more than once: send it once`,
        );
      }
    }

    // NOTE: YAML catalogs arrive as text and are parsed later, so this limit does not reach them.
    // The yaml package overflows its own stack at about 2,000 levels, which returns 422 (measured).
    const body: unknown = request.body;
    const parsedJson = typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
    if (parsedJson && exceedsJsonDepth(body, MAX_JSON_BODY_DEPTH)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `request body nests arrays and objects deeper than ${MAX_JSON_BODY_DEPTH} levels: send a flatter document`,
      );
    }

    next();
  }
}

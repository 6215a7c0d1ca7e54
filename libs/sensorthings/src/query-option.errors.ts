import { AppError, ErrorCode } from '@stadtdaten/contracts';

/**
 * An invalid SensorThings query option or request body (code VALIDATION_FAILED, HTTP 400).
 * `details` contains the option and, for a bad part of its value, the 1-based position and the part.
 */
export class QueryOptionError extends AppError {
  constructor(
    readonly option: string,
    message: string,
    readonly position?: number,
    readonly fragment?: string,
  ) {
    super(ErrorCode.VALIDATION_FAILED, message, {
      details: {
        option,
        ...(position === undefined ? {} : { position }),
        ...(fragment === undefined ? {} : { fragment }),
      },
    });
  }
}

/** Builds the error for an option or body member as a whole, e.g. `$top: "-1" is not ...`. */
export function invalidOption(option: string, problem: string): QueryOptionError {
  return new QueryOptionError(option, `${option}: ${problem}`);
}

/**
 * Builds the error for a bad part of an option value, e.g.
 * `$filter = "name eq 'x' xyz", position 13 ("xyz"): unexpected "xyz"; expected "and", "or" or the end`.
 */
export function invalidAt(
  option: string,
  text: string,
  offset: number,
  problem: string,
  length = 1,
): QueryOptionError {
  const fragment = text.slice(offset, offset + Math.max(length, 1)) || '<end>';
  const where = offset >= text.length ? 'at the end' : `position ${offset + 1} ("${fragment}")`;

  return new QueryOptionError(option, `${option} = "${text}", ${where}: ${problem}`, offset + 1, fragment);
}

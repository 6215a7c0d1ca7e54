import {
  DateValue,
  DurationValue,
  type FilterValue,
  GeometryValue,
  TimeValue,
  parseDateTime,
} from './filter-values';
import { WktSyntaxError, parseWkt } from './geo/wkt.parser';
import { parseIsoDuration } from './iso-duration';
import type { Token } from './odata-lexer';
import { invalidAt } from './query-option.errors';

/**
 * Converts a literal token to its value: strings, numbers, datetimes, dates, times of day,
 * and the typed literals geography'…' and geometry'…' (WKT), duration'…' (ISO 8601) and
 * datetime'…'. Throws QueryOptionError with the position of the bad part.
 */
export function literalValue(option: string, text: string, token: Token): FilterValue {
  const fail = (problem: string, offset = token.offset, length = token.length) =>
    invalidAt(option, text, offset, problem, length);
  switch (token.kind) {
    case 'string':
      return token.text;
    case 'number':
      return Number(token.text);
    case 'date':
      return new DateValue(token.text);
    case 'time':
      return new TimeValue(token.text);
    case 'datetime':
      return dateTimeOf(token.text, fail);
    case 'typed':
      return typedValue(token, fail);
    default:
      throw fail(`"${token.text}" is not a literal`);
  }
}

type Fail = (problem: string, offset?: number, length?: number) => Error;

function typedValue(token: Token, fail: Fail): FilterValue {
  switch (token.prefix) {
    case 'geography':
    case 'geometry':
      try {
        return new GeometryValue(parseWkt(token.text));
      } catch (error) {
        if (!(error instanceof WktSyntaxError)) {
          throw error;
        }
        throw fail(`invalid WKT: ${error.message}`, token.offset + token.prefix.length + 1 + error.offset, 1);
      }
    case 'duration': {
      const ms = parseIsoDuration(token.text);
      if (ms === undefined) {
        throw fail(
          `invalid duration "${token.text}"; use days, hours, minutes and seconds such as P1D or PT1H30M`,
        );
      }

      return new DurationValue(ms);
    }
    case 'datetime':
    case 'datetimeoffset':
      return dateTimeOf(token.text, fail);
    default:
      throw fail(
        `unknown literal type "${token.prefix}"; use geography'...', duration'...' or a bare datetime`,
      );
  }
}

function dateTimeOf(text: string, fail: Fail) {
  const value = parseDateTime(text);
  if (value === undefined) {
    throw fail(`invalid datetime "${text}"`);
  }

  return value;
}

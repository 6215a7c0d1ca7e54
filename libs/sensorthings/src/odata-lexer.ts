import { invalidAt } from './query-option.errors';

export type TokenKind =
  | 'identifier'
  | 'string'
  | 'number'
  | 'datetime'
  | 'date'
  | 'time'
  | 'typed'
  | 'open'
  | 'close'
  | 'comma'
  | 'slash'
  | 'minus'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text of the token; for strings and typed literals the unquoted content. */
  text: string;
  /** Prefix of a typed literal such as geography'POINT(1 2)'; empty otherwise. */
  prefix: string;
  /** 0-based offset of the token in the option value. */
  offset: number;
  length: number;
}

/**
 * A datetime literal. A space stands for `+` in the offset, because a `+` that the client did
 * not percent-encode arrives as a space after form decoding of the query string.
 */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+\- ]\d{2}:\d{2})?/;
const DATE = /^\d{4}-\d{2}-\d{2}/;
const TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?/;
const NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const IDENTIFIER = /^[A-Za-z_@][A-Za-z0-9_.@]*/;
const SINGLE: Record<string, TokenKind> = {
  '(': 'open',
  ')': 'close',
  ',': 'comma',
  '/': 'slash',
  '-': 'minus',
};

/** Splits an OData expression (a $filter or $orderby value) into tokens with their offsets. */
export function tokenize(option: string, text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < text.length) {
    const char = text[offset];
    if (/\s/.test(char)) {
      offset += 1;
      continue;
    }
    const token = readToken(option, text, offset);
    tokens.push(token);
    offset += token.length;
  }
  tokens.push({ kind: 'end', text: '', prefix: '', offset: text.length, length: 0 });

  return tokens;
}

function readToken(option: string, text: string, offset: number): Token {
  const rest = text.slice(offset);
  const single = SINGLE[rest[0]];
  if (single !== undefined) {
    return token(single, rest[0], offset);
  }
  if (rest[0] === "'") {
    return readString(option, text, offset, '');
  }
  const datetime = DATETIME.exec(rest);
  if (datetime !== null) {
    if (!/(Z|[+\- ]\d{2}:\d{2})$/.test(datetime[0])) {
      throw invalidAt(
        option,
        text,
        offset,
        'datetime without a time zone: end it with Z or an offset such as +01:00',
        datetime[0].length,
      );
    }
    return token('datetime', datetime[0].replace(/ (\d{2}:\d{2})$/, '+$1'), offset, datetime[0].length);
  }
  const date = DATE.exec(rest);
  if (date !== null) {
    return token('date', date[0], offset);
  }
  const time = TIME.exec(rest);
  if (time !== null) {
    return token('time', time[0], offset);
  }
  const number = NUMBER.exec(rest);
  if (number !== null) {
    return token('number', number[0], offset);
  }
  const identifier = IDENTIFIER.exec(rest);
  if (identifier !== null) {
    if (text[offset + identifier[0].length] === "'") {
      return readString(option, text, offset + identifier[0].length, identifier[0], offset);
    }
    return token('identifier', identifier[0], offset);
  }
  if (rest[0] === '"') {
    throw invalidAt(
      option,
      text,
      offset,
      "double quote: write string literals in single quotes, e.g. 'text'",
    );
  }

  throw invalidAt(option, text, offset, 'unexpected character');
}

/** Reads a single-quoted literal, where '' stands for one quote. */
function readString(
  option: string,
  text: string,
  quoteOffset: number,
  prefix: string,
  start = quoteOffset,
): Token {
  let value = '';
  let index = quoteOffset + 1;
  while (index < text.length) {
    if (text[index] === "'") {
      if (text[index + 1] === "'") {
        value += "'";
        index += 2;
        continue;
      }

      return {
        kind: prefix === '' ? 'string' : 'typed',
        text: value,
        prefix,
        offset: start,
        length: index + 1 - start,
      };
    }
    value += text[index];
    index += 1;
  }

  throw invalidAt(option, text, start, 'string literal without a closing quote', text.length - start);
}

function token(kind: TokenKind, text: string, offset: number, length = text.length): Token {
  return { kind, text, prefix: '', offset, length };
}

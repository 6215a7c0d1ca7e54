/** Position and reason of the first JSON syntax error in a text. */
export interface JsonSyntaxError {
  /** 0-based UTF-16 offset. */
  offset: number;
  /** 1-based line and column of the offset. */
  line: number;
  column: number;
  reason: string;
}

type Expected = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

interface ScanState {
  text: string;
  offset: number;
  expected: Expected;
  /** Open containers, innermost last: '{' or '['. */
  containers: string[];
}

type StepResult = string | undefined;

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPABLE = '"\\/bfnrt';
const HEX_DIGIT = /[0-9a-fA-F]/;

/**
 * Finds the first syntax error of `text` by the JSON grammar of RFC 8259, or returns undefined
 * when the text is valid JSON. V8's JSON.parse does not name the position of every error, so
 * this scanner runs after JSON.parse has failed. It keeps an explicit stack, so deep nesting
 * cannot overflow the call stack, and every step consumes at least one character.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const state: ScanState = { text, offset: 0, expected: 'value', containers: [] };

  while (true) {
    state.offset = skipWhitespace(text, state.offset);
    if (state.offset >= text.length) {
      return state.expected === 'end'
        ? undefined
        : syntaxError(text, state.offset, 'unexpected end of input');
    }

    const reason = step(state);
    if (reason !== undefined) {
      return syntaxError(text, state.offset, reason);
    }
  }
}

function step(state: ScanState): StepResult {
  const char = state.text[state.offset];
  switch (state.expected) {
    case 'end':
      return `unexpected '${char}' after the end of the JSON value`;
    case 'colon':
      return expectColon(state, char);
    case 'key':
    case 'keyOrClose':
      return expectKey(state, char);
    case 'commaOrClose':
      return expectCommaOrClose(state, char);
    default:
      return expectValue(state, char);
  }
}

function expectColon(state: ScanState, char: string): StepResult {
  if (char !== ':') {
    return `expected ':' after the property name, found '${char}'`;
  }
  state.offset += 1;
  state.expected = 'value';

  return undefined;
}

function expectKey(state: ScanState, char: string): StepResult {
  if (char === '}' && state.expected === 'keyOrClose') {
    return closeContainer(state);
  }
  if (char !== '"') {
    return `expected a property name in double quotes, found '${char}'`;
  }

  return scanString(state, 'colon');
}

function expectCommaOrClose(state: ScanState, char: string): StepResult {
  const open = state.containers[state.containers.length - 1];
  const close = open === '{' ? '}' : ']';
  if (char === ',') {
    state.offset += 1;
    state.expected = open === '{' ? 'key' : 'value';

    return undefined;
  }
  if (char !== close) {
    return `expected ',' or '${close}', found '${char}'`;
  }

  return closeContainer(state);
}

function expectValue(state: ScanState, char: string): StepResult {
  if (char === ']' && state.expected === 'valueOrClose') {
    return closeContainer(state);
  }
  if (char === '{' || char === '[') {
    state.containers.push(char);
    state.offset += 1;
    state.expected = char === '{' ? 'keyOrClose' : 'valueOrClose';

    return undefined;
  }
  if (char === '"') {
    return scanString(state, afterValue(state));
  }

  return scanLiteralOrNumber(state, char);
}

function scanLiteralOrNumber(state: ScanState, char: string): StepResult {
  const literal = ['true', 'false', 'null'].find((word) => state.text.startsWith(word, state.offset));
  if (literal !== undefined) {
    state.offset += literal.length;
    state.expected = afterValue(state);

    return undefined;
  }

  NUMBER_PATTERN.lastIndex = state.offset;
  const number = NUMBER_PATTERN.exec(state.text);
  if (number === null) {
    return `unexpected '${char}' where a value was expected`;
  }
  state.offset += number[0].length;
  state.expected = afterValue(state);

  return undefined;
}

/** Scans the string that starts at the current quote and sets `next` as the expected token. */
function scanString(state: ScanState, next: Expected): StepResult {
  const { text } = state;
  let index = state.offset + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      state.offset = index + 1;
      state.expected = next;

      return undefined;
    }
    if (code < 0x20) {
      state.offset = index;

      return 'control character inside a string (escape it)';
    }
    if (code === 0x5c) {
      const escapeLength = escapeSequenceLength(text, index);
      if (escapeLength === 0) {
        state.offset = index;

        return 'invalid escape sequence in a string';
      }
      index += escapeLength;
      continue;
    }
    index += 1;
  }
  state.offset = text.length;

  return 'unterminated string';
}

/** Length of the escape sequence at the backslash at `index`, or 0 when it is invalid. */
function escapeSequenceLength(text: string, index: number): number {
  const kind = text[index + 1];
  if (kind !== undefined && ESCAPABLE.includes(kind)) {
    return 2;
  }
  if (kind !== 'u') {
    return 0;
  }
  const digits = text.slice(index + 2, index + 6);

  return digits.length === 4 && [...digits].every((digit) => HEX_DIGIT.test(digit)) ? 6 : 0;
}

function closeContainer(state: ScanState): StepResult {
  state.containers.pop();
  state.offset += 1;
  state.expected = afterValue(state);

  return undefined;
}

function afterValue(state: ScanState): Expected {
  return state.containers.length === 0 ? 'end' : 'commaOrClose';
}

function skipWhitespace(text: string, offset: number): number {
  let index = offset;
  while (index < text.length && ' \t\n\r'.includes(text[index])) {
    index += 1;
  }

  return index;
}

function syntaxError(text: string, offset: number, reason: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;

  return { offset, line, column, reason };
}

import type { BinaryOperator, FilterNode, PathNode } from './filter-ast';
import { FILTER_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './filter-functions';
import { DurationValue, type FilterValue } from './filter-values';
import { literalValue } from './filter-literals';
import { type Token, tokenize } from './odata-lexer';
import { invalidAt } from './query-option.errors';

export interface OrderByItem {
  expression: FilterNode;
  direction: 'asc' | 'desc';
}

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'asc',
  'desc',
]);
const LITERAL_KEYWORDS: Record<string, FilterValue> = { true: true, false: false, null: null };
const BOOLEAN_FUNCTIONS = new Set([
  'substringof',
  'contains',
  'endswith',
  'startswith',
  'geo.intersects',
  'st_equals',
  'st_disjoint',
  'st_touches',
  'st_within',
  'st_overlaps',
  'st_crosses',
  'st_intersects',
  'st_contains',
]);

/**
 * Parses a $filter value. Operators bind, from loosest to tightest: or, and, not, eq/ne,
 * gt/ge/lt/le, add/sub, mul/div/mod, unary minus. `not` binds looser than the comparisons,
 * as in SQL, so `not name eq 'x'` means `not (name eq 'x')`.
 */
export function parseFilter(text: string, option = '$filter'): FilterNode {
  const parser = new FilterParser(option, text);
  const node = parser.expression();
  parser.expectEnd('"and", "or" or the end of the expression');
  if (!isCondition(node)) {
    throw invalidAt(
      option,
      text,
      node.position,
      "expected a condition that is true or false, such as name eq 'x'",
      text.length - node.position,
    );
  }

  return node;
}

/** Parses an $orderby value: expressions separated by commas, each optionally followed by asc or desc. */
export function parseOrderBy(text: string, option = '$orderby'): OrderByItem[] {
  const parser = new FilterParser(option, text);
  const items: OrderByItem[] = [];
  do {
    const expression = parser.expression();
    const direction = parser.acceptWord('desc') ? 'desc' : (parser.acceptWord('asc'), 'asc');
    items.push({ expression, direction });
  } while (parser.accept('comma'));
  parser.expectEnd('"," or the end of the ordering');

  return items;
}

function isCondition(node: FilterNode): boolean {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'boolean' || node.value === null;
    case 'path':
    case 'not':
      return true;
    case 'negate':
      return false;
    case 'binary':
      return !['add', 'sub', 'mul', 'div', 'mod'].includes(node.operator);
    case 'call':
      return BOOLEAN_FUNCTIONS.has(node.name);
  }
}

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    private readonly option: string,
    private readonly text: string,
  ) {
    this.tokens = tokenize(option, text);
  }

  expression(): FilterNode {
    return this.binaryLevel(['or'], () => this.binaryLevel(['and'], () => this.notLevel()));
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind !== 'end') {
      throw this.error(token, `unexpected "${this.source(token)}"; expected ${expected}`);
    }
  }

  accept(kind: Token['kind']): boolean {
    if (this.peek().kind !== kind) {
      return false;
    }
    this.index += 1;

    return true;
  }

  acceptWord(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'identifier' || token.text !== word) {
      return false;
    }
    this.index += 1;

    return true;
  }

  private notLevel(): FilterNode {
    const token = this.peek();
    if (this.acceptWord('not')) {
      return { kind: 'not', operand: this.notLevel(), position: token.offset };
    }

    return this.comparisonLevel(['eq', 'ne'], () =>
      this.comparisonLevel(['gt', 'ge', 'lt', 'le'], () => this.arithmetic()),
    );
  }

  /** Parses a comparison of two operands. `a eq b eq c` is rejected instead of guessed, and `a gt b eq true` is allowed. */
  private comparisonLevel(operators: BinaryOperator[], operand: () => FilterNode): FilterNode {
    const left = operand();
    const token = this.peek();
    if (token.kind !== 'identifier' || !operators.includes(token.text as BinaryOperator)) {
      return left;
    }
    this.index += 1;
    const right = operand();
    const next = this.peek();
    if (next.kind === 'identifier' && operators.includes(next.text as BinaryOperator)) {
      throw this.error(next, 'a second comparison in a row; join comparisons with "and" or "or"');
    }

    return { kind: 'binary', operator: token.text as BinaryOperator, left, right, position: left.position };
  }

  private arithmetic(): FilterNode {
    return this.binaryLevel(['add', 'sub'], () =>
      this.binaryLevel(['mul', 'div', 'mod'], () => this.unary()),
    );
  }

  private binaryLevel(operators: BinaryOperator[], operand: () => FilterNode): FilterNode {
    let left = operand();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'identifier' || !operators.includes(token.text as BinaryOperator)) {
        return left;
      }
      this.index += 1;
      const right = operand();
      left = { kind: 'binary', operator: token.text as BinaryOperator, left, right, position: left.position };
    }
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (!this.accept('minus')) {
      return this.primary();
    }
    const operand = this.unary();
    if (operand.kind === 'literal' && typeof operand.value === 'number') {
      return { kind: 'literal', value: -operand.value, position: token.offset };
    }
    if (operand.kind === 'literal' && operand.value instanceof DurationValue) {
      return { kind: 'literal', value: new DurationValue(-operand.value.ms), position: token.offset };
    }

    return { kind: 'negate', operand, position: token.offset };
  }

  private primary(): FilterNode {
    const token = this.next();
    switch (token.kind) {
      case 'open': {
        const inner = this.expression();
        this.expect('close', '")"');

        return inner;
      }
      case 'string':
      case 'number':
      case 'datetime':
      case 'date':
      case 'time':
      case 'typed':
        return {
          kind: 'literal',
          value: literalValue(this.option, this.text, token),
          position: token.offset,
        };
      case 'identifier':
        return this.identifierExpression(token);
      case 'end':
        throw this.error(token, 'the expression ends too early; expected a value, a property or a function');
      default:
        throw this.error(
          token,
          `unexpected "${this.source(token)}"; expected a value, a property or a function`,
        );
    }
  }

  private identifierExpression(token: Token): FilterNode {
    if (Object.hasOwn(LITERAL_KEYWORDS, token.text)) {
      return { kind: 'literal', value: LITERAL_KEYWORDS[token.text], position: token.offset };
    }
    if (KEYWORDS.has(token.text)) {
      throw this.error(token, `operator "${token.text}" where a value or property belongs`);
    }
    if (this.peek().kind === 'open') {
      return this.call(token);
    }

    return this.path(token);
  }

  private call(name: Token): FilterNode {
    const unsupported = UNSUPPORTED_FUNCTIONS[name.text];
    if (unsupported !== undefined) {
      throw this.error(name, `function ${name.text} is not supported: ${unsupported}`);
    }
    const definition = FILTER_FUNCTIONS[name.text];
    if (definition === undefined) {
      throw this.error(
        name,
        `unknown function "${name.text}"; use one of ${Object.keys(FILTER_FUNCTIONS).join(', ')}`,
      );
    }
    this.expect('open', '"("');
    const args: FilterNode[] = [];
    if (!this.accept('close')) {
      do {
        args.push(this.expression());
      } while (this.accept('comma'));
      this.expect('close', '"," or ")"');
    }
    if (args.length < definition.minArgs || args.length > definition.maxArgs) {
      const expected =
        definition.minArgs === definition.maxArgs
          ? `${definition.minArgs}`
          : `${definition.minArgs} to ${definition.maxArgs}`;
      throw this.error(name, `function ${name.text} takes ${expected} arguments, not ${args.length}`);
    }

    return { kind: 'call', name: name.text, args, position: name.offset };
  }

  private path(first: Token): PathNode {
    const segments = [first.text];
    while (this.accept('slash')) {
      const token = this.next();
      if (token.kind !== 'identifier' && token.kind !== 'number') {
        throw this.error(token, 'expected a property name after "/"');
      }
      segments.push(token.text);
    }

    return { kind: 'path', segments, position: first.offset };
  }

  private expect(kind: Token['kind'], expected: string): void {
    const token = this.peek();
    if (token.kind !== kind) {
      throw this.error(token, `expected ${expected} but found "${this.source(token)}"`);
    }
    this.index += 1;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') {
      this.index += 1;
    }

    return token;
  }

  private source(token: Token): string {
    return token.kind === 'end' ? '<end>' : this.text.slice(token.offset, token.offset + token.length);
  }

  private error(token: Token, problem: string) {
    return invalidAt(this.option, this.text, token.offset, problem, token.length);
  }
}

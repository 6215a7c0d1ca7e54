import type { FilterValue } from './filter-values';

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type ArithmeticOperator = 'add' | 'sub' | 'mul' | 'div' | 'mod';
export type LogicalOperator = 'and' | 'or';
export type BinaryOperator = ComparisonOperator | ArithmeticOperator | LogicalOperator;

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

interface NodeBase {
  /** 0-based offset of the node's first token in the option value. */
  position: number;
}

export interface LiteralNode extends NodeBase {
  kind: 'literal';
  value: FilterValue;
}

/** A property path such as `name`, `properties/owner` or `Datastream/Thing/name`. */
export interface PathNode extends NodeBase {
  kind: 'path';
  segments: string[];
}

export interface NotNode extends NodeBase {
  kind: 'not';
  operand: FilterNode;
}

export interface NegateNode extends NodeBase {
  kind: 'negate';
  operand: FilterNode;
}

export interface BinaryNode extends NodeBase {
  kind: 'binary';
  operator: BinaryOperator;
  left: FilterNode;
  right: FilterNode;
}

export interface CallNode extends NodeBase {
  kind: 'call';
  name: string;
  args: FilterNode[];
}

/** A parsed OData expression of $filter or $orderby. */
export type FilterNode = LiteralNode | PathNode | NotNode | NegateNode | BinaryNode | CallNode;

/** Lists every path of an expression, in source order. */
export function pathsOf(node: FilterNode): PathNode[] {
  switch (node.kind) {
    case 'literal':
      return [];
    case 'path':
      return [node];
    case 'not':
    case 'negate':
      return pathsOf(node.operand);
    case 'binary':
      return [...pathsOf(node.left), ...pathsOf(node.right)];
    case 'call':
      return node.args.flatMap(pathsOf);
  }
}

/** Splits an expression at its top-level `and` operators. */
export function conjunctsOf(node: FilterNode): FilterNode[] {
  if (node.kind === 'binary' && node.operator === 'and') {
    return [...conjunctsOf(node.left), ...conjunctsOf(node.right)];
  }

  return [node];
}

/** Joins expressions with `and`; undefined for an empty list. */
export function joinConjuncts(nodes: FilterNode[]): FilterNode | undefined {
  if (nodes.length === 0) {
    return undefined;
  }

  return nodes.reduce((left, right) => ({
    kind: 'binary',
    operator: 'and',
    left,
    right,
    position: left.position,
  }));
}

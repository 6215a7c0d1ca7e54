import type { FilterNode } from './filter-ast';
import type { OrderByItem } from './filter-parser';

/** The system query options of one request or one $expand item. */
export interface QueryOptions {
  filter?: FilterNode;
  /** The $filter value as sent, for error messages with positions. */
  filterText?: string;
  orderBy: OrderByItem[];
  orderByText?: string;
  /** The requested $top; undefined when absent, so the server applies its default. */
  top?: number;
  skip: number;
  count: boolean;
  /** Property and navigation names of $select; undefined selects everything. */
  select?: string[];
  expand: ExpandItem[];
  resultFormat?: 'dataArray';
  /** The option values as sent, by name, so a server can repeat them in an @iot.nextLink. */
  raw: Record<string, string>;
}

export interface ExpandItem {
  navigation: string;
  options: QueryOptions;
}

export function emptyQueryOptions(): QueryOptions {
  return { orderBy: [], skip: 0, count: false, expand: [], raw: {} };
}

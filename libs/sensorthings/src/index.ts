export * from './query-option.errors';
export type { Token, TokenKind } from './odata-lexer';
export * from './filter-ast';
export * from './filter-values';
export {
  type EvaluationContext,
  FILTER_FUNCTIONS,
  UNSUPPORTED_FUNCTIONS,
  geometryOf,
} from './filter-functions';
export { type OrderByItem, parseFilter, parseOrderBy } from './filter-parser';
export { evaluateFilter, matchesFilter, resolvePath } from './filter-evaluator';
export { compareForSort, sortEntities } from './entity-ordering';
export * from './sensorthings-model';
export * from './query-options';
export * from './query-options.parser';
export * from './observation-filter.translator';
export * from './data-array';
export * from './resource-path.parser';
export { formatIsoDuration, parseIsoDuration } from './iso-duration';
export { WktSyntaxError, parseWkt } from './geo/wkt.parser';

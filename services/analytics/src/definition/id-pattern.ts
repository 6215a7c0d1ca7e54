/**
 * Id patterns with `*` as the only wildcard (any run of characters, also none), as job inputs
 * and webhooks name tenants and datastreams.
 */
export class IdPattern {
  private readonly expressions: RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.expressions = patterns.map(
      (pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`),
    );
  }

  /** Tests whether any pattern matches the whole id. */
  matches(id: string): boolean {
    return this.expressions.some((expression) => expression.test(id));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Topic names on the event log. Topics are per tenant so that ACLs can scope them. */
export const TopicKind = {
  RAW: 'ingest.raw',
  OBSERVATIONS: 'observations',
  PERSONAL: 'observations.personal',
  DERIVED: 'observations.derived',
  REJECTED: 'rejected',
  /** Signed batches (JSON SignatureBatchEvent): the proof of every validated observation. */
  SIGNATURES: 'signatures',
} as const;

export type TopicKind = (typeof TopicKind)[keyof typeof TopicKind];

const TENANT_ID = /^[a-z][a-z0-9-]{1,62}$/;

/** Tests a tenant id: lower-case letters, digits and dashes, 2 to 63 characters, starting with a letter. */
export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

export function topicName(tenant: string, kind: TopicKind): string {
  return `stadtdaten.${tenant}.${kind}`;
}

/** Pattern that matches one kind of topic across all tenants. */
export function topicPattern(kind: TopicKind): RegExp {
  const escaped = kind.replace(/\./g, '\\.');

  return new RegExp(`^stadtdaten\\.([a-z][a-z0-9-]{1,62})\\.${escaped}$`);
}

/** Returns the tenant of a topic name, or undefined when the name is not a stadtdaten topic. */
export function tenantOfTopic(topic: string): string | undefined {
  const match = /^stadtdaten\.([a-z][a-z0-9-]{1,62})\./.exec(topic);

  return match?.[1];
}

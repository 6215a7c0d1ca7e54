import type { QualityJobDefinition } from '../definition/analytics-file.schema';
import { IdPattern } from '../definition/id-pattern';
import { DEFAULT_QUALITY_RULES, type QualityRuleMatch, type QualityRules, applyRuleFields } from '../definition/quality-rules.schema';

/** Subject that an override matches on. Device-level rules have no datastream and no observed property. */
export interface RuleSubject {
  tenant: string;
  deviceTypeId: string;
  deviceId: string;
  datastreamId?: string;
  observedProperty?: string;
}

interface CompiledOverride {
  criteria: [keyof RuleSubject, IdPattern][];
  fields: Parameters<typeof applyRuleFields>[1];
}

/**
 * The rule settings of each device and datastream: the built-in defaults, then the quality
 * job's parameters, then every override whose `match` fits, in the order of the file.
 */
export class QualityRuleResolver {
  private readonly base: QualityRules;
  private readonly overrides: CompiledOverride[];

  constructor(definition: QualityJobDefinition) {
    const { overrides, ...fields } = definition.parameters;
    this.base = applyRuleFields(DEFAULT_QUALITY_RULES, fields);
    this.overrides = overrides.map(({ match, ...overrideFields }) => ({ criteria: compile(match), fields: overrideFields }));
  }

  rulesFor(subject: RuleSubject): QualityRules {
    let rules = this.base;
    for (const override of this.overrides) {
      if (override.criteria.every(([key, pattern]) => subject[key] !== undefined && pattern.matches(subject[key] as string))) {
        rules = applyRuleFields(rules, override.fields);
      }
    }

    return rules;
  }
}

function compile(match: QualityRuleMatch): [keyof RuleSubject, IdPattern][] {
  const keys: [keyof QualityRuleMatch, keyof RuleSubject][] = [
    ['tenants', 'tenant'],
    ['deviceTypes', 'deviceTypeId'],
    ['devices', 'deviceId'],
    ['datastreams', 'datastreamId'],
    ['observedProperties', 'observedProperty'],
  ];

  return keys.filter(([key]) => match[key] !== undefined).map(([key, subject]) => [subject, new IdPattern(match[key] as string[])]);
}

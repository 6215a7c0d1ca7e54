import type { DatastreamDto } from '@stadtdaten/registry';
import { ROLLUP_STATS, type RollupLevel, type RollupStat, rollupSuffix } from '@stadtdaten/timeseries';
import type { RollupJobDefinition } from '../definition/analytics-file.schema';
import type { DerivedFieldSpec, ObservedPropertyEntry, PerSourceKind, SourceField } from '../derived/derived-catalog';

/** Observed property of the count rollups; the other stats keep the source's observed property. */
export const OBSERVATION_COUNT: ObservedPropertyEntry = {
  id: 'observation_count',
  name: 'Anzahl Messwerte',
  definition: 'urn:stadtdaten:property:observation_count',
  description: 'Number of observations of a datastream in an interval.',
};

const LEVEL_TEXT: Readonly<Record<RollupLevel, string>> = { '1m': '1 minute', '1h': '1 hour', '1d': '1 day' };

/** Rollups of numeric datastreams: mean, min, max, sum and count per level, with the source's unit (count: {count}). */
export function rollupKind(definition: RollupJobDefinition): PerSourceKind {
  const levels = definition.parameters.levels as RollupLevel[];

  return {
    kind: 'rollup',
    internalOnly: true,
    devicePrefix: 'rollup',
    label: 'Rollups',
    appliesTo: (field) => field.valueType === 'number' || field.valueType === 'integer',
    fields: (field) => levels.flatMap((level) => ROLLUP_STATS.map((stat) => specOf(field, stat, level))),
    observedProperties: () => [OBSERVATION_COUNT],
    retentionDays: (source, spec) => retentionOf(definition, source, spec.suffix.split('_')[1] as RollupLevel),
  };
}

function specOf(field: SourceField, stat: RollupStat, level: RollupLevel): DerivedFieldSpec {
  const count = stat === 'count';

  return {
    suffix: rollupSuffix(stat, level),
    observedProperty: count ? OBSERVATION_COUNT.id : field.observedProperty.id,
    unit: count ? '{count}' : field.unit,
    type: count ? 'integer' : 'number',
    nameSuffix: `${stat} ${level}`,
    description: `${stat} of ${field.field} per ${LEVEL_TEXT[level]} (buckets start at UTC multiples of ${LEVEL_TEXT[level]})`,
  };
}

function retentionOf(definition: RollupJobDefinition, source: DatastreamDto, level: RollupLevel): number | null {
  const choice = definition.parameters.retentionDays[level];
  if (choice === 'source') {
    return source.retentionDays;
  }

  return choice === 'forever' ? null : choice;
}

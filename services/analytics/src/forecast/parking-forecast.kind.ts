import type { ParkingForecastJobDefinition } from '../definition/analytics-file.schema';
import type { DerivedFieldSpec, ObservedPropertyEntry, PerSourceKind, SourceField } from '../derived/derived-catalog';

/** Label of a horizon in field names: minutes below an hour, else hours (`15m`, `1h`, `24h`). */
export function horizonLabel(horizonMs: number): string {
  return horizonMs < 3_600_000 ? `${horizonMs / 60_000}m` : `${horizonMs / 3_600_000}h`;
}

function forecastProperty(field: SourceField): ObservedPropertyEntry {
  return {
    id: `${field.observedProperty.id}_forecast`.slice(0, 63),
    name: `${field.observedProperty.name} (Prognose)`.slice(0, 200),
    definition: `urn:stadtdaten:property:${field.observedProperty.id}_forecast`,
    description: `Forecast of ${field.observedProperty.id}; the phenomenon time is the target time, the result time the time of the forecast.`,
  };
}

/** Parking forecasts: per horizon the forecast and the lower and upper bound of its prediction interval. */
export function parkingForecastKind(definition: ParkingForecastJobDefinition): PerSourceKind {
  const properties = new Set(definition.inputs.observedProperties ?? []);
  const coverage = Math.round(definition.parameters.intervalCoverage * 100);

  return {
    kind: 'parking-forecast',
    devicePrefix: 'forecast',
    label: 'Parking forecast',
    appliesTo: (field) => properties.has(field.observedProperty.id) && (field.valueType === 'number' || field.valueType === 'integer'),
    fields: (field) =>
      definition.parameters.horizons.flatMap((horizonMs): DerivedFieldSpec[] => {
        const label = horizonLabel(horizonMs);
        const base = { observedProperty: forecastProperty(field).id, unit: field.unit, type: 'number' as const };

        return [
          { ...base, suffix: `forecast_${label}`, nameSuffix: `forecast ${label}`, description: `${field.field} forecast ${label} ahead` },
          { ...base, suffix: `forecast_${label}_lower`, nameSuffix: `forecast ${label} lower`, description: `lower bound of the ${coverage} % prediction interval of the ${label} forecast` },
          { ...base, suffix: `forecast_${label}_upper`, nameSuffix: `forecast ${label} upper`, description: `upper bound of the ${coverage} % prediction interval of the ${label} forecast` },
        ];
      }),
    observedProperties: (field) => [forecastProperty(field)],
    retentionDays: (source) => source.retentionDays,
  };
}

import type { DatastreamDto } from '@stadtdaten/registry';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { TenantSources } from '../derived/source-directory.service';

/**
 * Capacity of a parking facility in spaces: the latest value of a datastream of the same device
 * with the capacity property, else the thing's `capacity` property, and never less than the
 * largest free count in `grid`. Forecasts are clamped to it.
 */
export async function capacityOf(
  store: TimeSeriesStore,
  sources: TenantSources,
  facility: DatastreamDto,
  capacityProperty: string,
  grid: Float64Array,
): Promise<number> {
  let observedMax = 0;
  for (const value of grid) {
    if (value > observedMax) {
      observedMax = value;
    }
  }

  const capacityStream = [...sources.datastreams.values()].find(
    (datastream) => datastream.deviceId === facility.deviceId && datastream.observedProperty.id === capacityProperty,
  );
  if (capacityStream !== undefined) {
    const latest = (await store.latest(facility.tenant, [capacityStream.id])).get(capacityStream.id);
    if (typeof latest?.result === 'number' && latest.result > 0) {
      return Math.max(latest.result, observedMax);
    }
  }
  const fromThing = Number(sources.things.get(facility.thingId)?.properties?.capacity);

  return Number.isFinite(fromThing) && fromThing > 0 ? Math.max(fromThing, observedMax) : observedMax;
}

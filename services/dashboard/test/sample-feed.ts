import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { planReplay } from '../../platform/src/cli/replay-plan';
import { replayMessages } from '../../platform/src/cli/replay';
import type { RunningPlatform } from '../../platform/src/platform';
import { applyCatalog, getJson, waitFor } from '../../platform/test/helpers';

/** The portal's default tenant, so the pages need no ?tenant= parameter. */
export const TENANT = 'darmstadt';

/** One measuring point of the samples with the readings the test sends for it. */
export interface SampleThing {
  id: string;
  name: string;
  useCase: string;
  coordinates: [number, number];
  deviceId: string;
  deviceType: string;
  readings: Array<Record<string, unknown>>;
}

const OBSERVED_PROPERTIES = [
  { id: 'pm10', name: 'PM10', definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/5' },
  { id: 'pm2_5', name: 'PM2.5', definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/6001' },
  { id: 'charge_points', name: 'Ladepunkte', definition: 'urn:stadtdaten:property:charge_points' },
  { id: 'charging_power', name: 'Anschlussleistung', definition: 'urn:stadtdaten:property:charging_power' },
  { id: 'free_parking_spaces', name: 'Freie Stellplätze', definition: 'urn:stadtdaten:property:free_parking_spaces' },
  { id: 'parking_capacity', name: 'Stellplätze gesamt', definition: 'urn:stadtdaten:property:parking_capacity' },
  { id: 'water_temperature', name: 'Wassertemperatur', definition: 'http://vocabs.lter-europe.net/EnvThes/20430' },
  { id: 'bicycle_count', name: 'Radverkehr', definition: 'urn:stadtdaten:property:bicycle_count' },
];

const DEVICE_TYPES = [
  { id: 'sds011', name: 'Nova SDS011 (sensor.community archive)', payloadFormat: 'json', fields: [
    { field: 'P1', observedProperty: 'pm10', unit: 'ug/m3', type: 'number', min: 0, max: 2000 },
    { field: 'P2', observedProperty: 'pm2_5', unit: 'ug/m3', type: 'number', min: 0, max: 1000 },
  ] },
  { id: 'ev-station', name: 'Charging station (BNetzA register)', payloadFormat: 'json', fields: [
    { field: 'charge_points', observedProperty: 'charge_points', unit: '{count}', type: 'integer', min: 0, max: 50 },
    { field: 'power', observedProperty: 'charging_power', unit: 'kW', type: 'number', min: 0, max: 1000 },
  ] },
  { id: 'parking-counter', name: 'Car park counter (Karlsruhe open data)', payloadFormat: 'json', fields: [
    { field: 'free_spaces', observedProperty: 'free_parking_spaces', unit: '{spaces}', type: 'integer', min: 0, max: 5000 },
    { field: 'capacity', observedProperty: 'parking_capacity', unit: '{spaces}', type: 'integer', min: 0, max: 5000 },
  ] },
  { id: 'water-probe', name: 'Water temperature probe (AWEL Zürich)', payloadFormat: 'json', timeZone: 'Europe/Zurich', fields: [
    { field: 'temperature', observedProperty: 'water_temperature', unit: 'Cel', type: 'number', min: -5, max: 45 },
  ] },
  { id: 'bike-counter', name: 'Bicycle counter (Eco Counter, Mannheim)', payloadFormat: 'json', fields: [
    { field: 'bicycles', observedProperty: 'bicycle_count', unit: '{bicycles}', type: 'integer', min: 0, max: 100000 },
  ] },
];

/** Days since 1899-12-30 (Excel serial dates) to an ISO date at noon UTC. */
function excelDay(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30 + serial, 12)).toISOString();
}

function slug(text: string): string {
  return text.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60);
}

/** Reads the 34 charging stations of the Bundesnetzagentur's register in Darmstadt, one reading each. */
function evStations(dir: string): SampleThing[] {
  const rows: string[][] = parse(readFileSync(join(dir, 'ev-charging', 'bnetza_ladesaeulenregister_2019-07-19_darmstadt.csv'), 'utf8'), {
    delimiter: ';',
    from_line: 6,
    relax_column_count: true,
  });
  return rows
    .filter((row) => row[4] && row[5])
    .map((row, index) => ({
      id: `ev-${index + 1}`,
      name: `Ladesäule ${row[1].trim()}`,
      useCase: 'ev-charging',
      coordinates: [Number(row[4]), Number(row[5])] as [number, number],
      deviceId: `ev-${index + 1}-register`,
      deviceType: 'ev-station',
      readings: [{ time: excelDay(Number(row[6])), charge_points: Number(row[9]), power: Number(row[7]) }],
    }));
}

/** Reads car parks of the Karlsruhe region with their free and total spaces at the time of the file. */
function carParks(dir: string, count: number): SampleThing[] {
  const { features } = JSON.parse(readFileSync(join(dir, 'parking', 'karlsruhe_parkhaeuser.geojson'), 'utf8'));
  return features
    .filter((feature: any) => feature.properties.freie_parkplaetze !== null && feature.properties.stand_freieparkplaetze)
    .slice(0, count)
    .map((feature: any) => ({
      id: `parking-ka-${feature.properties.id}`,
      name: `${feature.properties.parkhaus_name} (${feature.properties.gemeinde})`,
      useCase: 'parking',
      coordinates: feature.geometry.coordinates,
      deviceId: `parking-ka-${feature.properties.id}-counter`,
      deviceType: 'parking-counter',
      readings: [{ time: feature.properties.stand_freieparkplaetze, free_spaces: feature.properties.freie_parkplaetze, capacity: feature.properties.gesamte_parkplaetze }],
    }));
}

/** Reads the water temperature stations of the canton of Zürich, every reading of the file in local time. */
function waterStations(dir: string): SampleThing[] {
  const rows: Array<Record<string, string>> = parse(readFileSync(join(dir, 'pool-water-temperature', 'zh_awel_wassertemperaturen_2022-06-03_2022-06-05.csv'), 'utf8'), { columns: true });
  const byStation = new Map<string, SampleThing>();
  for (const row of rows) {
    const id = `water-${slug(row.gewaesser)}`;
    const thing = byStation.get(id) ?? {
      id,
      name: `Wassertemperatur ${row.gewaesser}`,
      useCase: 'water-temperature',
      coordinates: [Number(row.wgs84_y), Number(row.wgs84_x)] as [number, number],
      deviceId: `${id}-probe`,
      deviceType: 'water-probe',
      readings: [],
    };
    const [day, month, year] = row.datum_messung.split('.');
    thing.readings.push({ time: `${year}-${month}-${day}T${row.zeit_messung}:00`, temperature: Number(row.aktueller_wert) });
    byStation.set(id, thing);
  }
  return [...byStation.values()];
}

/** Reads bicycle counters of Mannheim with their hourly totals of the file. */
function bikeCounters(dir: string, count: number): SampleThing[] {
  const rows: Array<Record<string, string>> = parse(readFileSync(join(dir, 'bike-counts', 'mobidata-bw_fahrradzaehler_mannheim_2023-10-23_2023-10-31.csv'), 'utf8'), { columns: true });
  const bySite = new Map<string, SampleThing>();
  for (const row of rows) {
    const id = `bike-${row.counter_site_id}`;
    if (!bySite.has(id) && bySite.size >= count) {
      continue;
    }
    const thing = bySite.get(id) ?? {
      id,
      name: `Radzählstelle ${row.counter_site}`,
      useCase: 'bike-counts',
      coordinates: [Number(row.longitude), Number(row.latitude)] as [number, number],
      deviceId: `${id}-counter`,
      deviceType: 'bike-counter',
      readings: [],
    };
    thing.readings.push({ time: row.iso_timestamp, bicycles: Number(row.channels_all) });
    bySite.set(id, thing);
  }
  return [...bySite.values()];
}

/** Returns the sensor.community archive of sensor 15092 for one day, as the platform's replay reads it. */
export function sensorCommunityCsv(dir: string): string {
  return readFileSync(join(dir, 'sensor-community', '2018-10-28_sds011_sensor_15092.csv'), 'utf8');
}

/** Returns the rows of the sensor.community archive: UTC time (the file has no offset) and PM10 (P1). */
export function sensorCommunityRows(dir: string): Array<{ timeMs: number; pm10: number }> {
  const rows: Array<Record<string, string>> = parse(sensorCommunityCsv(dir), { columns: true, delimiter: ';' });
  return rows.filter((row) => row.P1 !== '').map((row) => ({ timeMs: Date.parse(`${row.timestamp}Z`), pm10: Number(row.P1) }));
}

/** Returns every sample measuring point the portal tests use, grouped by how they are sent. */
export function sampleThings(dir: string) {
  return {
    http: [...evStations(dir), ...carParks(dir, 12), ...waterStations(dir), ...bikeCounters(dir, 3)],
    airQuality: { id: 'sensor-community-15092', name: 'Feinstaubsensor 15092 (sensor.community)', useCase: 'air-quality', coordinates: [-2.211, 56.963] as [number, number], deviceId: 'sensor-community-15092', deviceType: 'sds011', readings: [] },
  };
}

/** Builds the catalog of the sample measuring points for tenant darmstadt, all public. */
export function sampleCatalog(things: SampleThing[]) {
  return {
    tenants: [{ id: TENANT, name: 'Wissenschaftsstadt Darmstadt' }],
    observedProperties: OBSERVED_PROPERTIES,
    deviceTypes: DEVICE_TYPES.map((type) => ({ ...type, tenant: TENANT })),
    things: things.map((thing) => ({ tenant: TENANT, id: thing.id, name: thing.name, useCase: thing.useCase, location: { type: 'Point', coordinates: thing.coordinates } })),
    devices: things.map((thing) => ({ tenant: TENANT, id: thing.deviceId, type: thing.deviceType, thing: thing.id, classification: 'public' })),
  };
}

/** Sends a JSON reading (or an array of them) over HTTP ingest and returns the ingest response. */
export async function sendReading(platform: RunningPlatform, token: string, deviceId: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=${encodeURIComponent(deviceId)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) {
    throw new Error(`ingest of ${deviceId} failed with ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as { id: string };
}

/**
 * Applies the sample catalog and sends every sample reading: the sensor.community archive over
 * MQTT with the platform's replay, the others over HTTP ingest. Resolves once every reading is
 * stored or rejected.
 */
export async function feedSamples(platform: RunningPlatform, dir: string) {
  const { http, airQuality } = sampleThings(dir);
  const things = [...http, airQuality];
  await applyCatalog(platform, JSON.stringify(sampleCatalog(things)));
  const deviceToken = await platform.issueToken(TENANT, ['device'], 'sample-feed');

  const plan = planReplay(sensorCommunityCsv(dir), { format: 'sensor-community-csv', tenant: TENANT });
  await replayMessages(plan.messages, { mqttUrl: platform.mqttUrl, token: deviceToken });
  for (const thing of http) {
    await sendReading(platform, deviceToken, thing.deviceId, thing.readings);
  }

  // Readings with the same time replace each other (the observation id derives from the time), so each time counts once.
  const expected = sensorCommunityRows(dir).length + http.reduce((sum, thing) => sum + new Set(thing.readings.map((reading) => reading.time)).size, 0);
  await waitFor(async () => countStored(platform, things), (stored) => stored >= expected, 60_000);

  return { things, http, airQuality, deviceToken };
}

/** Counts stored observations of the headline datastream of each thing over the samples' years. */
async function countStored(platform: RunningPlatform, things: SampleThing[]): Promise<number> {
  const fields: Record<string, string> = { sds011: 'P1', 'ev-station': 'power', 'parking-counter': 'free_spaces', 'water-probe': 'temperature', 'bike-counter': 'bicycles' };
  let total = 0;
  for (const thing of things) {
    const path = `/api/v1/tenants/${TENANT}/datastreams/${encodeURIComponent(`${thing.deviceId}.${fields[thing.deviceType]}`)}/observations?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=10000`;
    const { body } = await getJson(platform, path);
    total += body.observations?.length ?? 0;
  }
  return total;
}

/**
 * How an attribute's value becomes a field value: `number` (numbers and numeric text),
 * `fraction` (0..1, sent as percent), `text` (strings; a list of strings is joined with ",")
 * or `any` (number, text or boolean as sent, for attributes configured in options.attributes).
 */
export type NgsiValueKind = 'number' | 'fraction' | 'text' | 'any';

export interface NgsiAttributeSpec {
  field: string;
  kind: NgsiValueKind;
}

/**
 * Attributes of the FIWARE Smart Data Models OffStreetParking, ParkingSpot, AirQualityObserved
 * and WasteContainer that the NGSI decoders read, with their field names. The models give
 * occupancy, relativeHumidity and fillingLevel as fractions 0..1; they become percent.
 */
export const NGSI_DEFAULT_ATTRIBUTES: ReadonlyMap<string, NgsiAttributeSpec> = new Map([
  ['availableSpotNumber', { field: 'free_spaces', kind: 'number' }],
  ['totalSpotNumber', { field: 'capacity', kind: 'number' }],
  ['occupiedSpotNumber', { field: 'occupied_spaces', kind: 'number' }],
  ['occupancy', { field: 'occupancy_rate', kind: 'fraction' }],
  ['status', { field: 'status', kind: 'text' }],
  ['no2', { field: 'no2', kind: 'number' }],
  ['no', { field: 'no', kind: 'number' }],
  ['nox', { field: 'nox', kind: 'number' }],
  ['so2', { field: 'so2', kind: 'number' }],
  ['co', { field: 'co', kind: 'number' }],
  ['co2', { field: 'co2', kind: 'number' }],
  ['o3', { field: 'o3', kind: 'number' }],
  ['pm1', { field: 'pm1', kind: 'number' }],
  ['pm10', { field: 'pm10', kind: 'number' }],
  ['pm25', { field: 'pm2_5', kind: 'number' }],
  ['temperature', { field: 'temperature', kind: 'number' }],
  ['relativeHumidity', { field: 'relative_humidity', kind: 'fraction' }],
  ['windSpeed', { field: 'wind_speed', kind: 'number' }],
  ['windDirection', { field: 'wind_direction', kind: 'number' }],
  ['precipitation', { field: 'precipitation', kind: 'number' }],
  ['airQualityIndex', { field: 'air_quality_index', kind: 'number' }],
  ['airQualityLevel', { field: 'air_quality_level', kind: 'text' }],
  ['fillingLevel', { field: 'fill_level', kind: 'fraction' }],
]);

/**
 * UN/CEFACT Recommendation 20 unit codes (NGSI `unitCode`) and their UCUM codes. GQ and GP
 * are the codes the AirQualityObserved model names for µg/m³ and mg/m³.
 */
export const UNIT_CODE_TO_UCUM: ReadonlyMap<string, string> = new Map([
  ['GQ', 'ug/m3'],
  ['GP', 'mg/m3'],
  ['CEL', 'Cel'],
  ['KEL', 'K'],
  ['P1', '%'],
  ['MTS', 'm/s'],
  ['KMH', 'km/h'],
  ['DD', 'deg'],
  ['59', '[ppm]'],
  ['61', '[ppb]'],
  ['A97', 'hPa'],
  ['MMT', 'mm'],
  ['MTR', 'm'],
  ['C62', '1'],
  ['WTT', 'W'],
  ['KWT', 'kW'],
]);

/** Entity attributes whose value is the observation time of the whole entity, in order of preference. */
export const NGSI_ENTITY_TIME_ATTRIBUTES: readonly string[] = [
  'dateObserved',
  'observationDateTime',
  'TimeInstant',
  'dateModified',
];

import { stringify } from 'yaml';
import {
  type DeviceFleet,
  type GatewayPacer,
  type OutgoingMessage,
  type PublishSummary,
  publishAll,
} from './device-fleet';
import { freshToken, requestJson } from './production-clients';

/** Readings of generated water-level meters: each device sends one reading per second of phenomenon time. */
export interface MeterLoad {
  tenant: string;
  deviceIds: string[];
  readingsPerDevice: number;
  readingsPerMessage: number;
  /** Phenomenon time of every device's first reading, epoch ms. */
  startMs: number;
}

/** Check of one datastream after the load: every reading once, each with its own value. */
export interface DatastreamCheck {
  datastreamId: string;
  count: number;
  distinctTimes: number;
  wrongValues: number;
}

const FIELD = 'level';

export function createMeterLoad(
  tenant: string,
  options: { devices: number; readingsPerDevice: number; readingsPerMessage: number },
): MeterLoad {
  const deviceIds = Array.from(
    { length: options.devices },
    (_, index) => `meter-${String(index + 1).padStart(2, '0')}`,
  );
  // Two days in the past, on a whole second, so that no reading lies in the future.
  const startMs = Math.floor((Date.now() - 2 * 86_400_000) / 1000) * 1000;

  return {
    tenant,
    deviceIds,
    readingsPerDevice: options.readingsPerDevice,
    readingsPerMessage: options.readingsPerMessage,
    startMs,
  };
}

export function totalReadings(load: MeterLoad): number {
  return load.deviceIds.length * load.readingsPerDevice;
}

export function messageCount(load: MeterLoad): number {
  return load.deviceIds.length * Math.ceil(load.readingsPerDevice / load.readingsPerMessage);
}

/** Returns the value of a reading. Multiples of 1/4 are exact in binary floating point, so they compare exactly after storage. */
export function meterValue(deviceIndex: number, readingIndex: number): number {
  return deviceIndex * 10_000 + readingIndex / 4;
}

export function meterCatalog(load: MeterLoad): string {
  return stringify({
    tenants: [{ id: load.tenant, name: 'Generated water-level meters' }],
    observedProperties: [
      {
        id: 'e2e_water_level',
        name: 'Water level',
        definition: 'https://stadtdaten.example/def/e2e_water_level',
      },
    ],
    deviceTypes: [
      {
        id: 'meter',
        tenant: load.tenant,
        name: 'Water-level meter',
        payloadFormat: 'json',
        fields: [
          {
            field: FIELD,
            observedProperty: 'e2e_water_level',
            unit: 'm',
            type: 'number',
            min: 0,
            max: 1_000_000,
          },
        ],
      },
    ],
    things: [
      {
        tenant: load.tenant,
        id: 'load-site',
        name: 'Load site',
        useCase: 'other',
        location: { type: 'Point', coordinates: [8.6512, 49.8728] },
      },
    ],
    devices: load.deviceIds.map((id) => ({ tenant: load.tenant, id, type: 'meter', thing: 'load-site' })),
  });
}

/** Messages of one device, each a JSON array of `readingsPerMessage` readings in time order. */
export function meterMessages(load: MeterLoad, deviceIndex: number): OutgoingMessage[] {
  const deviceId = load.deviceIds[deviceIndex];
  const messages: OutgoingMessage[] = [];
  for (let first = 0; first < load.readingsPerDevice; first += load.readingsPerMessage) {
    const readings = [];
    for (
      let index = first;
      index < Math.min(first + load.readingsPerMessage, load.readingsPerDevice);
      index++
    ) {
      readings.push({
        time: new Date(load.startMs + index * 1000).toISOString(),
        [FIELD]: meterValue(deviceIndex, index),
      });
    }
    messages.push({
      topic: `stadtdaten/${load.tenant}/${deviceId}/up/json`,
      payload: JSON.stringify(readings),
    });
  }

  return messages;
}

/** Publishes every device's messages at the same time, together at about `messagesPerSecond`. */
export async function publishMeterLoad(
  fleet: DeviceFleet,
  load: MeterLoad,
  options: { messagesPerSecond: number; pacer?: GatewayPacer },
): Promise<PublishSummary[]> {
  const perDevice = options.messagesPerSecond / load.deviceIds.length;

  return Promise.all(
    load.deviceIds.map(async (deviceId, index) =>
      publishAll(await fleet.client(load.tenant, deviceId), meterMessages(load, index), {
        ratePerSecond: perDevice,
        pacer: options.pacer,
      }),
    ),
  );
}

/** Reads the stored observations of every meter through the query API, with a platform-admin token. */
export async function storedMeterReadings(queryApiUrl: string, load: MeterLoad): Promise<Map<string, any[]>> {
  const token = await freshToken('platform-operator');
  const from = new Date(load.startMs).toISOString();
  const to = new Date(load.startMs + load.readingsPerDevice * 1000).toISOString();
  const stored = new Map<string, any[]>();
  for (const deviceId of load.deviceIds) {
    const datastreamId = `${deviceId}.${FIELD}`;
    const url = `${queryApiUrl}/api/v1/tenants/${load.tenant}/datastreams/${datastreamId}/observations?from=${from}&to=${to}&limit=10000`;
    const { status, body } = await requestJson(url, { token });
    if (status !== 200) {
      throw new Error(`reading ${datastreamId} failed with ${status}: ${JSON.stringify(body).slice(0, 500)}`);
    }
    stored.set(datastreamId, body.observations);
  }

  return stored;
}

export async function countStoredMeterReadings(queryApiUrl: string, load: MeterLoad): Promise<number> {
  const stored = await storedMeterReadings(queryApiUrl, load);

  return [...stored.values()].reduce((sum, list) => sum + list.length, 0);
}

/** Compares the stored observations with the generated readings, per datastream. */
export async function checkMeterReadings(queryApiUrl: string, load: MeterLoad): Promise<DatastreamCheck[]> {
  const stored = await storedMeterReadings(queryApiUrl, load);

  return load.deviceIds.map((deviceId, deviceIndex) => {
    const datastreamId = `${deviceId}.${FIELD}`;
    const observations = stored.get(datastreamId) ?? [];
    const wrongValues = observations.filter((observation) => {
      const readingIndex = (Date.parse(observation.phenomenonTime) - load.startMs) / 1000;

      return observation.result !== meterValue(deviceIndex, readingIndex);
    }).length;

    return {
      datastreamId,
      count: observations.length,
      distinctTimes: new Set(observations.map((observation) => observation.phenomenonTime)).size,
      wrongValues,
    };
  });
}

/** Returns the checks that a complete load without duplicates passes. */
export function completeChecks(load: MeterLoad): DatastreamCheck[] {
  return load.deviceIds.map((deviceId) => ({
    datastreamId: `${deviceId}.${FIELD}`,
    count: load.readingsPerDevice,
    distinctTimes: load.readingsPerDevice,
    wrongValues: 0,
  }));
}

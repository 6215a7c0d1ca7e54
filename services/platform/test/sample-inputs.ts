import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type PlannedMessage, type ReplayFormat, planReplay } from '../src/cli/replay-plan';

/** One file of the samples, turned into MQTT messages for tenant "samples". */
export interface SampleInput {
  name: string;
  format: ReplayFormat;
  messages: PlannedMessage[];
  /** Device id per message, as the platform will see it. */
  deviceIds: string[];
  /** True when every reading carries its own time, so a second replay is a redelivery. */
  timed: boolean;
}

/** Device model per uplink line, from the samples' index file, mapped to the codec name. */
const CODEC_BY_MODEL: Record<string, string> = {
  Parking_Lot_Sensor: 'bosch-parking',
  G4_NCC_FM: 'nwave-car-counter',
  'EM310-UDL': 'milesight-em310-udl',
  'DL-PM': 'decentlab-dl-pm',
  ERS2: 'elsys',
  VS133: 'milesight-vs133',
  'EM500-PT100': 'milesight-em500-pt100',
};

/** Device type id in sample-devices.yaml per codec. */
const DEVICE_TYPE_BY_CODEC: Record<string, string> = {
  'bosch-parking': 'bosch-parking',
  'nwave-car-counter': 'nwave-car-counter',
  'milesight-em310-udl': 'milesight-em310-udl',
  'decentlab-dl-pm': 'decentlab-dl-pm',
  elsys: 'elsys-ers2',
  'milesight-vs133': 'milesight-vs133',
  'milesight-em500-pt100': 'milesight-em500-pt100',
};

/** First byte of the DevEUI per codec: the samples reuse DevEUIs across device models. */
const EUI_PREFIX_BY_CODEC: Record<string, string> = {
  'bosch-parking': 'b1',
  'nwave-car-counter': 'b2',
  'milesight-em310-udl': 'b3',
  'decentlab-dl-pm': 'b4',
  elsys: 'b5',
  'milesight-vs133': 'b6',
  'milesight-em500-pt100': 'b7',
};

function codecsByLine(dir: string, folder: string): string[] {
  const rows = readFileSync(join(dir, folder, 'uplinks_index.csv'), 'utf8').trim().split('\n').slice(1);

  return rows.map((row) => CODEC_BY_MODEL[row.split(',')[2]]);
}

/**
 * Reads The Things Stack uplinks and prefixes each device id with its device model,
 * because the samples reuse the anonymised id eui-1000000000000001 for seven models.
 */
export function ttnInput(dir: string): { input: SampleInput; devices: object[] } {
  const codecs = codecsByLine(dir, 'lorawan-ttn-v3');
  const lines = readFileSync(join(dir, 'lorawan-ttn-v3', 'uplinks.jsonl'), 'utf8').trim().split('\n');
  const rewritten = lines.map((line, index) => {
    const uplink = JSON.parse(line);
    uplink.end_device_ids.device_id = `${codecs[index]}-${uplink.end_device_ids.device_id}`;

    return JSON.stringify(uplink);
  });
  const extra = ['kotori_ttn-v3-uplink_cayenne-lpp_full.json', 'console-event_as.up.data.forward_ezurio-rs26x.json'].map(
    (file) => JSON.stringify(JSON.parse(readFileSync(join(dir, 'lorawan-ttn-v3', file), 'utf8'))),
  );
  const plan = planReplay([...rewritten, ...extra].join('\n'), { format: 'ttn-v3', tenant: 'samples' });
  const deviceIds = plan.messages.map((message) => message.topic.split('/')[3]);
  const devices = unique(rewritten.map((line, index) => [JSON.parse(line).end_device_ids.device_id, codecs[index]]));

  return {
    input: { name: 'lorawan-ttn-v3', format: 'ttn-v3', messages: plan.messages, deviceIds, timed: true },
    devices: devices.map(([id, codec]) => device(id, DEVICE_TYPE_BY_CODEC[codec])),
  };
}

/** ChirpStack uplinks, v4 and legacy v3 lines, with the DevEUI's first byte set per device model. */
export function chirpstackInput(dir: string): { input: SampleInput; devices: object[] } {
  const codecs = codecsByLine(dir, 'lorawan-chirpstack-v4');
  const lines = readFileSync(join(dir, 'lorawan-chirpstack-v4', 'uplinks.jsonl'), 'utf8').trim().split('\n');
  const euis: string[] = [];
  const rewritten = lines.map((line, index) => {
    const uplink = JSON.parse(line);
    const prefix = EUI_PREFIX_BY_CODEC[codecs[index]];
    if (uplink.deviceInfo) {
      uplink.deviceInfo.devEui = prefix + uplink.deviceInfo.devEui.slice(2);
      euis.push(uplink.deviceInfo.devEui);
    } else {
      const eui = prefix + Buffer.from(uplink.devEUI, 'base64').toString('hex').slice(2);
      uplink.devEUI = Buffer.from(eui, 'hex').toString('base64');
      euis.push(eui);
    }

    return JSON.stringify(uplink);
  });
  const plan = planReplay(rewritten.join('\n'), { format: 'chirpstack-v4', tenant: 'samples' });
  const devices = unique(euis.map((eui, index) => [eui, codecs[index]]));

  return {
    input: { name: 'lorawan-chirpstack-v4', format: 'chirpstack-v4', messages: plan.messages, deviceIds: euis, timed: true },
    devices: devices.map(([id, codec]) => device(id, DEVICE_TYPE_BY_CODEC[codec])),
  };
}

/** Reads the SenML examples of RFC 8428, each sent as the device that its base name names. */
export function senmlInputs(dir: string): SampleInput[] {
  const examples: [string, string, boolean][] = [
    ['ex1', 'urn:dev:ow:10e2073a01080063', false],
    ['ex2', 'urn:dev:ow:10e2073a01080063', false],
    ['ex3', 'urn:dev:ow:10e2073a0108006', true],
    ['ex6', '2001:db8::2', true],
    ['ex7', 'urn:dev:ow:10e2073a01080063', false],
    ['ex11', 'urn:dev:ow:10e2073a01080063', true],
  ];

  return examples.map(([name, deviceId, timed]) => {
    const compact = JSON.stringify(JSON.parse(readFileSync(join(dir, 'senml', `${name}.json`), 'utf8')));
    const plan = planReplay(compact, { format: 'senml', tenant: 'samples', device: deviceId });

    return { name: `senml/${name}`, format: 'senml', messages: plan.messages, deviceIds: [deviceId], timed };
  });
}

/** Reads the sensor.community archive CSVs (one JSON reading per row) and the airRohr push. */
export function sensorCommunityInputs(dir: string): SampleInput[] {
  const csv = ['2018-10-28_sds011_sensor_15092.csv', '2018-10-29_sds011_sensor_15092.csv'].map((file) => {
    const plan = planReplay(readFileSync(join(dir, 'sensor-community', file), 'utf8'), {
      format: 'sensor-community-csv',
      tenant: 'samples',
    });

    return {
      name: `sensor-community/${file}`,
      format: 'sensor-community-csv' as const,
      messages: plan.messages,
      deviceIds: plan.messages.map(() => 'sensor-community-15092'),
      timed: true,
    };
  });
  const push = JSON.stringify(JSON.parse(readFileSync(join(dir, 'sensor-community', 'airrohr_http-push_NRZ-2018-123B.json'), 'utf8')));
  const plan = planReplay(push, { format: 'sensor-community', tenant: 'samples' });

  return [
    ...csv,
    { name: 'sensor-community/airrohr', format: 'sensor-community', messages: plan.messages, deviceIds: ['esp8266-12041741'], timed: false },
  ];
}

export function loadFixtureCatalog(): string {
  return readFileSync(join(__dirname, 'fixtures', 'sample-devices.yaml'), 'utf8');
}

/** Field → unit of every device type in the fixture catalog, per device id. */
export function fieldsByDevice(catalogYaml: string, extraDevices: object[]): Map<string, Map<string, string>> {
  const catalog = parse(catalogYaml);
  const types = new Map<string, Map<string, string>>(
    catalog.deviceTypes.map((type: any) => [type.id, new Map(type.fields.map((f: any) => [f.field, f.unit]))]),
  );

  return new Map(
    [...catalog.devices, ...extraDevices].map((d: any) => [d.id, types.get(d.type) ?? new Map<string, string>()]),
  );
}

function device(id: string, type: string) {
  return { tenant: 'samples', id, type, thing: 'sample-site' };
}

function unique(pairs: string[][]): string[][] {
  return [...new Map(pairs.map((pair) => [pair[0], pair])).values()];
}

import { describeWithSamples } from '@stadtdaten/testing';
import { parse, stringify } from 'yaml';
import {
  type SampleInput,
  chirpstackInput,
  loadFixtureCatalog,
  senmlInputs,
  sensorCommunityInputs,
  ttnInput,
} from '../sample-inputs';
import {
  DeviceFleet,
  GatewayPacer,
  type OutgoingMessage,
  type PublishSummary,
  publishAll,
} from './device-fleet';
import { pipelineLag } from './pipeline-state';
import { applyCatalog, freshToken, requestJson } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';
import { type Expectation, deviceTypesOf, predictOutcome } from './sample-expectation';

/** A sample file's messages on the topic layout `stadtdaten/<tenant>/<device>/up/<format>`, the only one the broker's ACL admits. */
interface ProductionInput {
  timed: boolean;
  messages: (OutgoingMessage & { deviceId: string })[];
}

/** Moves a sample message to the stadtdaten layout, with the device that the embedded gateway reads from the original topic. */
function toStadtdatenTopic(topic: string, tenant: string): { topic: string; deviceId: string } {
  const parts = topic.split('/');
  let deviceId: string;
  let format: string;
  if (topic.startsWith('v3/')) {
    [deviceId, format] = [parts[3], 'ttn-v3'];
  } else if (topic.startsWith('application/')) {
    [deviceId, format] = [parts[3].toLowerCase(), 'chirpstack-v4'];
  } else {
    [deviceId, format] = [parts[2], parts[4]];
  }

  return { topic: `stadtdaten/${tenant}/${deviceId}/up/${format}`, deviceId };
}

function toProductionInput(input: SampleInput, tenant: string): ProductionInput {
  return {
    timed: input.timed,
    messages: input.messages.map((message) => ({
      ...toStadtdatenTopic(message.topic, tenant),
      payload: message.payload,
    })),
  };
}

/** Moves every entry of the fixture catalog from tenant "samples" to the run's tenant. */
function retenant(catalog: any, tenant: string): any {
  const moved = (entries: any[]) => entries.map((entry) => ({ ...entry, tenant }));

  return {
    ...catalog,
    tenants: [{ id: tenant, name: 'Sample devices (production replay)' }],
    deviceTypes: moved(catalog.deviceTypes),
    things: moved(catalog.things),
    devices: moved(catalog.devices),
  };
}

const countOf = (map: Map<string, any[]>) => [...map.values()].reduce((sum, list) => sum + list.length, 0);

describeProduction('production sample replay', () => {
  describeWithSamples('through Mosquitto, Kafka, InfluxDB and PostgreSQL', (dir) => {
    let harness: ProductionHarness;
    let fleet: DeviceFleet;
    let pacer: GatewayPacer;
    let inputs: ProductionInput[];
    let expected: Expectation;
    const summaries: PublishSummary[] = [];

    const api = (path: string) => `${harness.url('query-api')}/api/v1/tenants/${harness.tenant}${path}`;

    /** Publishes input by input. The devices of one input send at the same time, each in file order. */
    async function replayAll(only: (input: ProductionInput) => boolean) {
      for (const input of inputs.filter(only)) {
        const byDevice = new Map<string, OutgoingMessage[]>();
        for (const message of input.messages) {
          byDevice.set(message.deviceId, [...(byDevice.get(message.deviceId) ?? []), message]);
        }
        const published = await Promise.all(
          [...byDevice].map(async ([deviceId, messages]) =>
            publishAll(await fleet.client(harness.tenant, deviceId), messages, { pacer }),
          ),
        );
        summaries.push(...published);
      }
    }

    async function storedObservations(): Promise<Map<string, any[]>> {
      const token = await freshToken('platform-operator');
      const datastreams = (await requestJson(api('/datastreams'), { token })).body as any[];
      const byDatastream = new Map<string, any[]>();
      for (const datastream of datastreams) {
        const range = 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=10000';
        const { body } = await requestJson(
          api(`/datastreams/${encodeURIComponent(datastream.id)}/observations?${range}`),
          { token },
        );
        if (body.observations.length > 0) {
          byDatastream.set(
            datastream.id,
            body.observations.map((o: any) => ({ ...o, unit: body.unit })),
          );
        }
      }

      return byDatastream;
    }

    const rejections = async (limit: number) =>
      (await requestJson(api(`/rejections?limit=${limit}`), { token: await freshToken('platform-operator') }))
        .body;
    const rejectionTotal = async () => (await rejections(1)).total as number;

    beforeAll(async () => {
      harness = await ProductionHarness.create();
      fleet = new DeviceFleet(harness.runId);
      await harness.start('query-api');

      const ttn = ttnInput(dir);
      const chirpstack = chirpstackInput(dir);
      const catalog = parse(loadFixtureCatalog());
      catalog.devices.push(...ttn.devices, ...chirpstack.devices);
      const sampleInputs = [ttn.input, chirpstack.input, ...senmlInputs(dir), ...sensorCommunityInputs(dir)];
      expected = predictOutcome(sampleInputs, deviceTypesOf(catalog));
      inputs = sampleInputs.map((input) => toProductionInput(input, harness.tenant));
      await applyCatalog(
        harness.url('query-api'),
        await freshToken('platform-operator'),
        stringify(retenant(catalog, harness.tenant)),
      );

      await harness.startAll(['ingest-gateway', 'validator', 'storage-writer']);
      pacer = await GatewayPacer.create(() =>
        harness.metric('ingest-gateway', 'stadtdaten_messages_in_total', {
          service: 'ingest-gateway',
          source: 'mqtt',
        }),
      );
      await replayAll(() => true);
      const total = expected.stored.size + expected.untimed.length + expected.rejections.length;
      await waitUntil(
        'stored + rejected readings',
        async () => countOf(await storedObservations()) + (await rejectionTotal()),
        (count) => count >= total,
        120_000,
        1_000,
      );
    }, 300_000);

    afterAll(async () => {
      await fleet?.close();
      await harness?.dispose();
    }, 120_000);

    it('acknowledges every published message', () => {
      const sent = summaries.reduce((sum, s) => sum + s.sent, 0);
      const acknowledged = summaries.reduce((sum, s) => sum + s.acknowledged, 0);

      expect(summaries.flatMap((s) => s.failures)).toEqual([]);
      expect(acknowledged).toBe(sent);
      expect(sent).toBe(inputs.reduce((sum, input) => sum + input.messages.length, 0));
    });

    it('accounts for every reading: sent = stored + rejected + replaced', async () => {
      const stored = countOf(await storedObservations());
      const rejected = await rejectionTotal();

      expect(expected.sent).toBe(stored + rejected + expected.superseded);
      expect(stored).toBe(expected.stored.size + expected.untimed.length);
    });

    // NOTE: the gateway reads over several connections of one shared subscription, and MQTT keeps no
    // order across them, so two messages of one device can reach Kafka swapped. Where two readings share
    // a datastream and time (the Bosch uplinks of both LoRaWAN files do), either value may be the stored one.
    it('stores every valid reading with its value, unit and UTC time', async () => {
      const stored = await storedObservations();
      for (const reading of expected.stored.values()) {
        const list = stored.get(reading.datastreamId) ?? [];
        const match = list.find((o) => o.phenomenonTime === new Date(reading.timeMs!).toISOString());
        const accepted = [reading.value, ...(reading.replaced ?? [])];

        expect({ datastream: reading.datastreamId, unit: match?.unit }).toEqual({
          datastream: reading.datastreamId,
          unit: reading.unit,
        });
        expect(accepted).toContainEqual(match?.result);
      }
    });

    it('stores readings without a time at their receive time', async () => {
      const stored = await storedObservations();
      for (const reading of expected.untimed) {
        const values = (stored.get(reading.datastreamId) ?? []).map((o) => o.result);

        expect(values).toContainEqual(reading.value);
      }
    });

    it('dead-letters every invalid reading with its reason', async () => {
      const body = await rejections(1000);
      const codes = (body.items as any[]).map((item) => item.reasonCode).sort();

      expect(codes).toEqual([...expected.rejections].sort());
      expect(codes.length).toBeGreaterThan(0);
    });

    it('changes no count when the timed files are replayed again', async () => {
      const storedBefore = countOf(await storedObservations());
      const rejectedBefore = await rejectionTotal();
      const marker = {
        topic: `stadtdaten/${harness.tenant}/sensor-community-15092/up/json`,
        payload: '{"P1": "x"}',
      };

      await replayAll((input) => input.timed);
      // A final bad reading of the device with the most messages shows when the pipeline has caught up.
      await publishAll(await fleet.client(harness.tenant, 'sensor-community-15092'), [marker], { pacer });
      await waitUntil(
        'rejections after the second replay',
        rejectionTotal,
        (total) => total >= rejectedBefore + 1,
        120_000,
        500,
      );
      await waitUntil(
        'pipeline lag',
        () => pipelineLag(harness.tenant),
        (lag) => lag === 0,
        60_000,
        500,
      );

      expect(await rejectionTotal()).toBe(rejectedBefore + 1);
      expect(countOf(await storedObservations())).toBe(storedBefore);
    }, 180_000);
  });
});

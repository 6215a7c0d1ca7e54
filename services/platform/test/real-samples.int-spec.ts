import { describeWithSamples } from '@stadtdaten/testing';
import { parse, stringify } from 'yaml';
import { replayMessages, type ReplaySummary } from '../src/cli/replay';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';
import { type Expectation, deviceTypesOf, predictOutcome } from './production/sample-expectation';
import {
  type SampleInput,
  chirpstackInput,
  loadFixtureCatalog,
  senmlInputs,
  sensorCommunityInputs,
  ttnInput,
} from './sample-inputs';

describeWithSamples('real sample replay', (dir) => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let token: string;
  let inputs: SampleInput[];
  let expected: Expectation;
  const summaries: ReplaySummary[] = [];

  async function replayAll(only: (input: SampleInput) => boolean) {
    const deviceToken = await platform.issueToken('samples', ['device'], 'sample-replay');
    for (const input of inputs.filter(only)) {
      summaries.push(await replayMessages(input.messages, { mqttUrl: platform.mqttUrl, token: deviceToken }));
    }
  }

  async function storedObservations(): Promise<Map<string, any[]>> {
    const datastreams = (await getJson(platform, '/api/v1/tenants/samples/datastreams', token)).body as any[];
    const byDatastream = new Map<string, any[]>();
    for (const datastream of datastreams) {
      const url = `/api/v1/tenants/samples/datastreams/${encodeURIComponent(datastream.id)}/observations?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=10000`;
      const { body } = await getJson(platform, url, token);
      if (body.observations.length > 0) {
        byDatastream.set(
          datastream.id,
          body.observations.map((o: any) => ({ ...o, unit: body.unit })),
        );
      }
    }

    return byDatastream;
  }

  const countOf = (map: Map<string, any[]>) => [...map.values()].reduce((sum, list) => sum + list.length, 0);
  const rejectionTotal = async () =>
    (await getJson(platform, '/api/v1/tenants/samples/rejections?limit=1', token)).body.total as number;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    token = await platform.issueToken('samples', ['tenant-admin', 'analyst'], 'sample-test');
    const ttn = ttnInput(dir);
    const chirpstack = chirpstackInput(dir);
    const catalog = parse(loadFixtureCatalog());
    catalog.devices.push(...ttn.devices, ...chirpstack.devices);
    await applyCatalog(platform, stringify(catalog));
    inputs = [ttn.input, chirpstack.input, ...senmlInputs(dir), ...sensorCommunityInputs(dir)];
    expected = predictOutcome(inputs, deviceTypesOf(catalog));

    await replayAll(() => true);
    await waitFor(
      async () => countOf(await storedObservations()) + (await rejectionTotal()),
      (total) => total >= expected.stored.size + expected.untimed.length + expected.rejections.length,
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    cleanup?.();
  });

  it('acknowledges every published message', () => {
    const sent = summaries.reduce((sum, s) => sum + s.sent, 0);
    const acknowledged = summaries.reduce((sum, s) => sum + s.acknowledged, 0);

    expect(acknowledged).toBe(sent);
    expect(sent).toBe(inputs.reduce((sum, input) => sum + input.messages.length, 0));
  });

  it('accounts for every reading: sent = stored + rejected + replaced', async () => {
    const stored = countOf(await storedObservations());
    const rejected = await rejectionTotal();

    expect(expected.sent).toBe(stored + rejected + expected.superseded);
    expect(stored).toBe(expected.stored.size + expected.untimed.length);
  });

  it('stores every valid reading with its value, unit and UTC time', async () => {
    const stored = await storedObservations();
    for (const reading of expected.stored.values()) {
      const list = stored.get(reading.datastreamId) ?? [];
      const match = list.find((o) => o.phenomenonTime === new Date(reading.timeMs!).toISOString());

      expect({ datastream: reading.datastreamId, value: match?.result, unit: match?.unit }).toEqual({
        datastream: reading.datastreamId,
        value: reading.value,
        unit: reading.unit,
      });
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
    const { body } = await getJson(platform, '/api/v1/tenants/samples/rejections?limit=1000', token);
    const codes = (body.items as any[]).map((item) => item.reasonCode).sort();

    expect(codes).toEqual([...expected.rejections].sort());
    expect(codes.length).toBeGreaterThan(0);
  });

  it('changes no count when the timed files are replayed again', async () => {
    const storedBefore = countOf(await storedObservations());
    const rejectedBefore = await rejectionTotal();
    const deviceToken = await platform.issueToken('samples', ['device'], 'sample-replay');
    const marker = {
      topic: 'stadtdaten/samples/sensor-community-15092/up/json',
      payload: Buffer.from('{"P1": "x"}'),
      line: 0,
    };

    await replayAll((input) => input.timed);
    // A final bad reading shows when the pipeline has caught up with the second replay.
    await replayMessages([marker], { mqttUrl: platform.mqttUrl, token: deviceToken });
    await waitFor(rejectionTotal, (total) => total === rejectedBefore + 1, 30_000);

    expect(countOf(await storedObservations())).toBe(storedBefore);
  });
});

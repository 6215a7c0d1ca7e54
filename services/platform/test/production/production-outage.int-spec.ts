import { DeviceFleet, GatewayPacer, type PublishSummary } from './device-fleet';
import {
  type DatastreamCheck,
  type MeterLoad,
  checkMeterReadings,
  completeChecks,
  countStoredMeterReadings,
  createMeterLoad,
  messageCount,
  meterCatalog,
  publishMeterLoad,
  totalReadings,
} from './meter-load';
import { applyCatalog, devServices, freshToken } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';

/**
 * Length of the InfluxDB outage, counted from the end of `dev-services down influxdb`.
 * NOTE: the outage stops the InfluxDB that every suite shares, so other suites that use InfluxDB
 * in a parallel jest worker fail during these 20 s.
 */
const OUTAGE_MS = 20_000;
/** Log message of the event log when a batch handler failed and the batch is delivered again. */
const RETRY_MESSAGE = 'event log handler failed; batch will be delivered again';

describeProduction('InfluxDB outage under load', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let load: MeterLoad;
  let influxStopped = false;
  let summaries: PublishSummary[];
  let storedAtOutage: number;
  let storedAtRecovery: number;
  const readinessDuringOutage: (number | undefined)[] = [];
  let writerExitDuringOutage: unknown;
  let retriesLogged: number;
  let checks: DatastreamCheck[];

  const writerStored = () =>
    harness.metric('storage-writer', 'stadtdaten_messages_out_total', {
      service: 'storage-writer',
      kind: 'observations',
    });
  const writer = () => harness.process('storage-writer');

  /** Restarts InfluxDB. afterAll calls it too, so a failed run does not leave InfluxDB stopped for other suites. */
  async function restartInflux() {
    if (influxStopped) {
      await devServices('up', 'influxdb');
      influxStopped = false;
    }
  }

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    load = createMeterLoad(harness.tenant, {
      devices: 12,
      readingsPerDevice: 2_000,
      readingsPerMessage: 100,
    });
    await harness.start('query-api');
    await applyCatalog(harness.url('query-api'), await freshToken('platform-operator'), meterCatalog(load));
    await harness.startAll(['ingest-gateway', 'validator', 'storage-writer']);
    const pacer = await GatewayPacer.create(() =>
      harness.metric('ingest-gateway', 'stadtdaten_messages_in_total', {
        service: 'ingest-gateway',
        source: 'mqtt',
      }),
    );

    // 240 messages at 8 per second: the stream lasts about 30 s and so spans the whole outage.
    const publishing = publishMeterLoad(fleet, load, { messagesPerSecond: 8, pacer });
    await waitUntil(
      'a tenth of the readings stored',
      writerStored,
      (stored) => stored >= totalReadings(load) / 10,
      90_000,
      100,
    );

    influxStopped = true;
    await devServices('down', 'influxdb');
    const outageEndsAt = Date.now() + OUTAGE_MS;
    await waitUntil(
      'storage writer unready',
      () => writer().readyStatus(),
      (status) => status === 503,
      15_000,
      100,
    );
    storedAtOutage = await writerStored();
    // The outage has to last its full time: the writer retries against a stopped InfluxDB meanwhile.
    while (Date.now() < outageEndsAt) {
      readinessDuringOutage.push(await writer().readyStatus());
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    writerExitDuringOutage = writer().exit;
    storedAtRecovery = await writerStored();
    retriesLogged = writer()
      .logLines()
      .filter((line) => line.includes(RETRY_MESSAGE)).length;
    await restartInflux();

    await writer().waitReady(60_000);
    summaries = await publishing;
    await waitUntil(
      'every reading stored after the outage',
      () => countStoredMeterReadings(harness.url('query-api'), load),
      (stored) => stored >= totalReadings(load),
      120_000,
      1_000,
    );
    checks = await checkMeterReadings(harness.url('query-api'), load);
  }, 300_000);

  afterAll(async () => {
    try {
      await restartInflux();
    } finally {
      await fleet?.close();
      await harness?.dispose();
    }
  }, 180_000);

  it('acknowledges every published message', () => {
    expect(summaries.flatMap((summary) => summary.failures)).toEqual([]);
    expect(summaries.reduce((sum, summary) => sum + summary.acknowledged, 0)).toBe(messageCount(load));
  });

  it('reports the writer unready during the outage', () => {
    expect(readinessDuringOutage.length).toBeGreaterThan(10);
    expect(readinessDuringOutage.filter((status) => status !== 503)).toEqual([]);
  });

  it('keeps the writer running', () => {
    expect(writerExitDuringOutage).toBeUndefined();
    expect(writer().exit).toBeUndefined();
  });

  it('pauses writing and retries during the outage', () => {
    expect(storedAtRecovery).toBe(storedAtOutage);
    expect(storedAtOutage).toBeLessThan(totalReadings(load));
    expect(retriesLogged).toBeGreaterThan(0);
  });

  it('stores every reading once after InfluxDB returns', () => {
    expect(checks).toEqual(completeChecks(load));
  });
});

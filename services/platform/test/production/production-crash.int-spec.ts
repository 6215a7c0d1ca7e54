import { type JsonWebKeySet, type VerificationResult, verifyObservation } from '@stadtdaten/integrity';
import { DeviceFleet, GatewayPacer, type PublishSummary } from './device-fleet';
import {
  type DatastreamCheck,
  type MeterLoad,
  checkMeterReadings,
  completeChecks,
  countStoredMeterReadings,
  createMeterLoad,
  meterCatalog,
  messageCount,
  publishMeterLoad,
  storedMeterReadings,
  totalReadings,
} from './meter-load';
import { applyCatalog, freshToken, requestJson } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';
import type { ExitStatus } from './service-process';

describeProduction('storage writer crash', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let load: MeterLoad;
  let summaries: PublishSummary[];
  let storedAtKill: number;
  let killStatus: ExitStatus;
  let storedAfterRestart: number;
  let checks: DatastreamCheck[];
  let proofResults: VerificationResult[];

  const writerStored = () =>
    harness.metric('storage-writer', 'stadtdaten_messages_out_total', {
      service: 'storage-writer',
      kind: 'observations',
    });

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    load = createMeterLoad(harness.tenant, {
      devices: 10,
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

    // 200 messages at 10 per second: the stream lasts about 20 s, so the kill falls in its middle.
    const publishing = publishMeterLoad(fleet, load, { messagesPerSecond: 10, pacer });
    storedAtKill = await waitUntil(
      'a third of the readings stored',
      writerStored,
      (stored) => stored >= totalReadings(load) / 3,
      90_000,
      50,
    );
    killStatus = await harness.kill('storage-writer');
    await harness.start('storage-writer');
    summaries = await publishing;

    await waitUntil(
      'every reading stored after the restart',
      () => countStoredMeterReadings(harness.url('query-api'), load),
      (stored) => stored >= totalReadings(load),
      150_000,
      1_000,
    );
    storedAfterRestart = await writerStored();
    checks = await checkMeterReadings(harness.url('query-api'), load);
    proofResults = await verifySampledProofs(harness.url('query-api'), load);
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.dispose();
  }, 120_000);

  it('acknowledges every published message', () => {
    expect(summaries.flatMap((summary) => summary.failures)).toEqual([]);
    expect(summaries.reduce((sum, summary) => sum + summary.acknowledged, 0)).toBe(messageCount(load));
  });

  it('kills the writer mid-stream', () => {
    expect(killStatus.signal).toBe('SIGKILL');
    expect(storedAtKill).toBeGreaterThanOrEqual(totalReadings(load) / 3);
    expect(storedAtKill).toBeLessThan(totalReadings(load));
  });

  it('resumes in the restarted writer', () => {
    expect(storedAfterRestart).toBeGreaterThan(0);
  });

  it('stores every reading exactly once', () => {
    expect(checks).toEqual(completeChecks(load));
  });

  it('proves sampled readings after the restart', () => {
    expect(proofResults).toEqual(load.deviceIds.flatMap(() => [{ ok: true }, { ok: true }, { ok: true }]));
  });
});

/**
 * Verifies the proofs of the first, a middle and the last stored reading of every meter against
 * the published JWKS. The signatures topic is consumed apart from the observations, so each
 * proof is waited for.
 */
async function verifySampledProofs(queryApiUrl: string, load: MeterLoad): Promise<VerificationResult[]> {
  const token = await freshToken('platform-operator');
  const proofs = [];
  for (const observations of (await storedMeterReadings(queryApiUrl, load)).values()) {
    for (const observation of [observations[0], observations[Math.floor(observations.length / 2)], observations.at(-1)]) {
      const { body } = await waitUntil(
        `proof of observation ${observation.id}`,
        () => requestJson(`${queryApiUrl}/api/v1/observations/${observation.id}/proof`, { token }),
        (response) => response.status === 200,
        30_000,
      );
      proofs.push(body);
    }
  }
  const jwks = (await requestJson(`${queryApiUrl}/api/v1/jwks.json`)).body as JsonWebKeySet;

  return proofs.map((body) => verifyObservation(body.observation, body.proof, body.batch, jwks));
}

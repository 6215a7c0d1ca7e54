import { TopicKind, topicName } from '@stadtdaten/contracts';
import { Partitioners } from 'kafkajs';
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
import { type GroupMember, groupMembers } from './pipeline-state';
import { applyCatalog, freshToken } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';
import type { ExitStatus } from './service-process';

const VALIDATORS = ['validator-1', 'validator-2'];
/** Partitions of each topic that the harness creates. */
const PARTITIONS = 3;

/** Raw-topic partition of each device, as the gateway's producer picks it (murmur2 of the key, as the Java client). */
function partitionsOf(deviceIds: string[], topic: string): number[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

  return deviceIds.map((key) => partitioner({ topic, partitionMetadata, message: { key, value: null } }));
}

/** Partitions of the raw topic per validator member of the group. */
function rawAssignments(members: GroupMember[], rawTopic: string): number[][] {
  return members
    .filter((member) => member.groupId === 'validator')
    .map((member) => member.assignment[rawTopic] ?? []);
}

describeProduction('validator consumer group', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let load: MeterLoad;
  let rawTopic: string;
  let assignments: number[][];
  let handledBeforeKill: number[];
  let storedAtKill: number;
  let killStatus: ExitStatus;
  let summaries: PublishSummary[];
  let checks: DatastreamCheck[];

  const validatorHandled = (instance: string) =>
    harness.metric(instance, 'stadtdaten_messages_in_total', { service: 'validator' });

  const writerStored = () =>
    harness.metric('storage-writer', 'stadtdaten_messages_out_total', {
      service: 'storage-writer',
      kind: 'observations',
    });

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    load = createMeterLoad(harness.tenant, { devices: 12, readingsPerDevice: 500, readingsPerMessage: 50 });
    rawTopic = topicName(harness.tenant, TopicKind.RAW);
    await harness.start('query-api');
    await applyCatalog(harness.url('query-api'), await freshToken('platform-operator'), meterCatalog(load));
    await harness.startAll(['ingest-gateway', 'storage-writer']);
    await Promise.all(VALIDATORS.map((instance) => harness.start('validator', instance)));
    assignments = rawAssignments(
      await waitUntil(
        'both validators holding partitions of the raw topic',
        () => groupMembers(['validator']),
        (members) =>
          rawAssignments(members, rawTopic).filter((partitions) => partitions.length > 0).length === 2,
        60_000,
        500,
      ),
      rawTopic,
    );
    const pacer = await GatewayPacer.create(() =>
      harness.metric('ingest-gateway', 'stadtdaten_messages_in_total', {
        service: 'ingest-gateway',
        source: 'mqtt',
      }),
    );

    // 120 messages at 5 per second: the stream lasts about 24 s, so the kill falls in its middle.
    const publishing = publishMeterLoad(fleet, load, { messagesPerSecond: 5, pacer });
    storedAtKill = await waitUntil(
      'a quarter of the readings stored',
      writerStored,
      (stored) => stored >= totalReadings(load) / 4,
      90_000,
      100,
    );
    handledBeforeKill = await Promise.all(VALIDATORS.map(validatorHandled));
    killStatus = await harness.kill('validator-2');
    summaries = await publishing;

    // The surviving validator takes over the partitions after the group drops the killed member (session timeout 30 s).
    await waitUntil(
      'every reading stored after the kill',
      () => countStoredMeterReadings(harness.url('query-api'), load),
      (stored) => stored >= totalReadings(load),
      150_000,
      1_000,
    );
    checks = await checkMeterReadings(harness.url('query-api'), load);
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.dispose();
  }, 120_000);

  it('sends readings to every raw partition', () => {
    expect(new Set(partitionsOf(load.deviceIds, rawTopic)).size).toBe(PARTITIONS);
  });

  it('splits the raw partitions between both validators', () => {
    const partitions = assignments.flat().sort();

    expect(assignments.length).toBe(2);
    expect(partitions).toEqual([0, 1, 2]);
  });

  it('lets both validators handle records', () => {
    expect(handledBeforeKill[0]).toBeGreaterThan(0);
    expect(handledBeforeKill[1]).toBeGreaterThan(0);
  });

  it('kills one validator mid-stream', () => {
    expect(killStatus.signal).toBe('SIGKILL');
    expect(storedAtKill).toBeLessThan(totalReadings(load));
    expect(summaries.reduce((sum, summary) => sum + summary.acknowledged, 0)).toBe(messageCount(load));
  });

  it('stores every reading once after the kill', () => {
    expect(checks).toEqual(completeChecks(load));
  });
});

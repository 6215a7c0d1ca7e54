import { Clock, createRawMessage, decodeRejection, encodeRawMessage } from '@stadtdaten/contracts';
import type { ConsumedRecord, EventLog, LogRecord } from '@stadtdaten/event-log';
import type { EnvelopeCipher } from '@stadtdaten/keys';
import { Metrics, ProcessLogger } from '@stadtdaten/observability';
import type { RegistryService } from '@stadtdaten/registry';
import pino from 'pino';
import type { ObservationSigner } from './observation.signer';
import type { PersonalDataProtector } from './personal-data.protector';
import { MAX_VALIDATION_ATTEMPTS, ValidationConsumer } from './validation.consumer';
import { ValidationService } from './validation.service';
import { ValidatorSettings } from './validator-settings';

const RAW_TOPIC = 'stadtdaten.darmstadt.ingest.raw';

function rawRecord(offset: string): ConsumedRecord {
  const raw = createRawMessage({
    id: `raw-${offset}`,
    tenant: 'darmstadt',
    deviceId: 'meter-1',
    topic: 'stadtdaten/darmstadt/meter-1/up',
    payload: Buffer.from('{"litres": 5}'),
    receivedAtMs: Date.UTC(2026, 11, 5, 8),
  });

  return { topic: RAW_TOPIC, partition: 0, offset, timestampMs: 0, headers: {}, key: 'meter-1', value: encodeRawMessage(raw) };
}

/** Builds a consumer whose registry lookup throws `failure` on every call, with the list of records it appends. */
function consumerFailingWith(failure: Error) {
  const appended: { topic: string; records: LogRecord[] }[] = [];
  const eventLog = {
    ensureTopics: async () => undefined,
    append: async (topic: string, records: LogRecord[]) => {
      appended.push({ topic, records });
    },
  } as unknown as EventLog;
  const registry = {
    getDeviceContext: async () => {
      throw failure;
    },
  } as unknown as RegistryService;
  const validation = new ValidationService(registry, new Clock(), new ValidatorSettings(262_144, 'test'), {} as EnvelopeCipher);
  const signer = { sign: async () => ({ topic: 'stadtdaten.darmstadt.signatures', records: [] }) } as unknown as ObservationSigner;
  const consumer = new ValidationConsumer(
    eventLog,
    validation,
    signer,
    {} as PersonalDataProtector,
    new Metrics({ defaultMetrics: false }),
    new ProcessLogger(pino({ level: 'silent' })),
  );

  return { consumer, appended };
}

describe(ValidationConsumer.name, () => {
  it('dead-letters a message that keeps failing', async () => {
    const { consumer, appended } = consumerFailingWith(new TypeError("Cannot read properties of undefined (reading 'fields')"));
    const batch = [rawRecord('7')];

    for (let attempt = 1; attempt < MAX_VALIDATION_ATTEMPTS; attempt += 1) {
      await expect(consumer.handleBatch(batch)).rejects.toThrow(TypeError);
    }
    await consumer.handleBatch(batch);

    expect(appended.map((entry) => entry.topic)).toEqual(['stadtdaten.darmstadt.rejected']);
    const rejection = decodeRejection(appended[0].records[0].value);
    expect(rejection.reasonCode).toBe('VALIDATION_ERROR');
    expect(rejection.detail).toContain("reading 'fields'");
    expect(rejection.raw?.deviceId).toBe('meter-1');
  });

  it('retries a store outage without limit', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:15432'), { code: 'ECONNREFUSED' });
    const { consumer, appended } = consumerFailingWith(outage);

    for (let attempt = 1; attempt <= 2 * MAX_VALIDATION_ATTEMPTS; attempt += 1) {
      await expect(consumer.handleBatch([rawRecord('8')])).rejects.toThrow('ECONNREFUSED');
    }

    expect(appended).toEqual([]);
  });
});

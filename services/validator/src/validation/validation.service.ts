import { Injectable } from '@nestjs/common';
import {
  AppError,
  Clock,
  type DeviceContext,
  type Observation,
  type RawMessage,
  type Rejection,
  RejectionCode,
  RejectionError,
  createObservation,
  createRawMessage,
  createRejection,
  isDerivedType,
  observationId,
  rejectionId,
  toResultCase,
} from '@stadtdaten/contracts';
import { type DecodedReading, decoderFor } from '@stadtdaten/formats';
import { EnvelopeCipher, rawPayloadContext } from '@stadtdaten/keys';
import { RegistryService } from '@stadtdaten/registry';
import { checkJweEnvelope } from './jwe-envelope.check';
import { checkUnit, checkValue } from './value-check';
import { ValidatorSettings } from './validator-settings';

export interface ValidationResult {
  observations: Observation[];
  rejections: Rejection[];
}

/**
 * Turns one raw message into validated observations and rejections. Every reading ends in
 * exactly one of the two lists, so nothing is dropped silently.
 */
@Injectable()
export class ValidationService {
  constructor(
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly settings: ValidatorSettings,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async validate(raw: RawMessage): Promise<ValidationResult> {
    try {
      return await this.validateReadings(raw);
    } catch (error) {
      if (error instanceof RejectionError) {
        return { observations: [], rejections: [this.reject(raw, error)] };
      }
      throw error;
    }
  }

  /** Builds the rejection of a message that could not even be read as a RawMessage. */
  unreadable(tenant: string, topic: string, payload: Uint8Array, offset: string): Rejection {
    const raw = createRawMessage({ tenant, topic, payload, id: `${topic}@${offset}` });

    return this.reject(
      raw,
      new RejectionError(RejectionCode.MALFORMED_PAYLOAD, `record at offset ${offset} of ${topic} is not a RawMessage`),
    );
  }

  /** Builds the rejection of a message whose validation kept failing with an error that is no rejection. */
  failed(raw: RawMessage, error: unknown): Rejection {
    const reason = error instanceof Error ? error.message : String(error);

    return this.reject(
      raw,
      new RejectionError(
        RejectionCode.VALIDATION_ERROR,
        `the validator failed on this message several times (${reason}); it is kept here, so re-submit it once the cause is fixed`,
      ),
    );
  }

  private async validateReadings(raw: RawMessage): Promise<ValidationResult> {
    if (raw.payload.byteLength > this.settings.maxPayloadBytes) {
      throw new RejectionError(
        RejectionCode.PAYLOAD_TOO_LARGE,
        `payload of ${raw.payload.byteLength} bytes exceeds the limit of ${this.settings.maxPayloadBytes} bytes; ` +
          'split it into smaller messages',
      );
    }
    const device = await this.deviceOrReject(raw.tenant, raw.deviceId);
    const format = raw.format || device.payloadFormat;
    const decoder = decoderFor(format);
    const decoded = decoder.decode(await this.plainPayload(raw, device), {
      deviceId: raw.deviceId,
      receivedAtMs: raw.receivedAtMs,
      timeZone: device.timeZone,
      codec: device.codec,
      nowMs: this.clock.now(),
    });

    const result: ValidationResult = {
      observations: [],
      rejections: decoded.rejections.map((error) => this.reject(raw, error)),
    };
    for (const reading of decoded.readings) {
      try {
        result.observations.push(await this.toObservation(raw, device, reading));
      } catch (error) {
        if (!(error instanceof RejectionError)) {
          throw error;
        }
        result.rejections.push(this.reject(raw, withEntry(error, reading)));
      }
    }

    return result;
  }

  /** The payload as the device sent it: the gateway encrypts payloads of devices with personal datastreams. */
  private async plainPayload(raw: RawMessage, device: DeviceContext): Promise<Uint8Array> {
    const personal = device.datastreams.some((binding) => binding.classification === 'personal');
    const text = Buffer.from(raw.payload.subarray(0, 8)).toString('latin1');
    if (!personal || !EnvelopeCipher.isEnvelope(text)) {
      return raw.payload;
    }
    try {
      const plain = await this.cipher.decrypt(raw.tenant, Buffer.from(raw.payload).toString('utf8'), rawPayloadContext(raw.deviceId, raw.id));

      return Buffer.from(plain, 'base64');
    } catch (error) {
      throw new RejectionError(
        RejectionCode.MALFORMED_PAYLOAD,
        `encrypted payload of device "${raw.deviceId}" does not decrypt with the tenant's personal-data key: ${(error as Error).message}`,
      );
    }
  }

  private async toObservation(raw: RawMessage, device: DeviceContext, reading: DecodedReading) {
    const owner = reading.deviceId === device.deviceId ? device : await this.deviceOrReject(raw.tenant, reading.deviceId);
    const binding = owner.datastreams.find((candidate) => candidate.field === reading.field);
    if (binding === undefined) {
      throw new RejectionError(
        RejectionCode.UNKNOWN_DATASTREAM,
        `field "${reading.field}" of device "${owner.deviceId}" has no datastream; ` +
          `add the field to device type "${owner.deviceType}" or stop sending it`,
        { field: reading.field },
      );
    }
    if (binding.retired) {
      throw new RejectionError(
        RejectionCode.RETIRED_DATASTREAM,
        `datastream "${binding.datastreamId}" is retired and accepts no readings; reactivate it in the registry`,
        { field: reading.field },
      );
    }
    checkUnit(binding, reading.unit);
    const value =
      binding.valueSchema.type === 'jwe'
        ? checkJweEnvelope(binding, reading.value, { tenant: raw.tenant, deviceId: owner.deviceId, timeMs: reading.timeMs })
        : checkValue(binding, reading.value);

    return createObservation({
      id: observationId(raw.tenant, binding.datastreamId, reading.timeMs),
      tenant: raw.tenant,
      datastreamId: binding.datastreamId,
      thingId: binding.thingId,
      deviceId: owner.deviceId,
      observedProperty: binding.observedProperty,
      unit: binding.unit,
      phenomenonTimeMs: reading.timeMs,
      resultTimeMs: reading.timeMs,
      receivedAtMs: raw.receivedAtMs,
      result: toResultCase(value),
      classification: binding.classification,
      storageProfile: binding.storageProfile,
      ownerPseudonym: owner.ownerPseudonym ?? '',
      traceParent: raw.traceParent,
      rawMessageId: raw.id,
    });
  }

  private async deviceOrReject(tenant: string, deviceId: string): Promise<DeviceContext> {
    const device = await this.registry.getDeviceContext(tenant, deviceId);
    if (device === undefined) {
      throw new RejectionError(
        RejectionCode.UNKNOWN_DEVICE,
        `device "${deviceId}" is not registered for tenant "${tenant}"; add it to the catalog (stadtdaten catalog apply)`,
      );
    }
    if (isDerivedType(device.deviceType)) {
      throw new RejectionError(
        RejectionCode.DERIVED_DEVICE,
        `device "${deviceId}" has the derived device type "${device.deviceType}", whose datastreams only the analytics service writes; ` +
          'send the readings as the source device that measured them',
      );
    }

    return device;
  }

  private reject(raw: RawMessage, error: RejectionError | AppError): Rejection {
    const entryIndex = error instanceof RejectionError ? error.entryIndex : -1;
    const field = error instanceof RejectionError ? (error.field ?? '') : '';

    return createRejection({
      id: rejectionId(raw, entryIndex, field),
      raw,
      reasonCode: error.code,
      detail: error.message,
      validatorVersion: this.settings.version,
      rejectedAtMs: this.clock.now(),
      entryIndex,
      field,
    });
  }
}

function withEntry(error: RejectionError, reading: DecodedReading): RejectionError {
  return new RejectionError(error.code as RejectionCode, error.message, {
    field: error.field ?? reading.field,
    entryIndex: reading.entryIndex,
    cause: error.cause,
  });
}

import { RejectionError } from '@stadtdaten/contracts';
import { DecodeResultBuilder } from './decode-result.builder';
import { parseJsonPayload } from './json-payload.parser';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import { invalidPayload } from './payload-shape.guards';
import {
  resolveSenmlPack,
  SENML_RELATIVE_TIME_LIMIT_S,
  type SenmlResolvedRecord,
} from './senml-pack.resolver';
import { checkTimeRange } from './timestamp.parser';

/** Suffix of the field that carries a record's sum; '#' cannot occur in a SenML name. */
export const SENML_SUM_SUFFIX = '#sum';

/** Characters that end a base name before the record name, as in "urn:dev:ow:10e2073a01080063:". */
const BASE_NAME_SEPARATORS = ':/._-';

/**
 * SenML JSON packs (RFC 8428). Each record yields a reading for its value and, when it has a
 * sum (s, plus bs), a second reading `<field>#sum`. RFC 8428 gives the sum in the record's
 * unit multiplied by seconds, and the reading keeps the unit as stated.
 *
 * Field names: when the base name in force names the device itself (see baseNameNamesDevice)
 * and the record has its own name n, the field is n ("temperature"). Otherwise the field is
 * the full resolved name bn + n ("2001:db8::2/temperature"), so records about other devices
 * or sensors in the same pack stay apart and a device type can map each full name. The
 * reading always keeps ctx.deviceId, because a payload must not write to another device.
 *
 * Times: bt + t below 2^28 s is relative to the time the platform received the pack
 * (RFC 8428 section 4.5.3 calls it "now"), so a replay keeps the original times.
 */
export class SenmlDecoder implements PayloadDecoder {
  readonly name = 'senml';
  readonly contentTypes: readonly string[] = ['application/senml+json', 'application/sensml+json'];

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const records = resolveSenmlPack(parseJsonPayload(payload, this.name));
    if (records.length === 0) {
      throw invalidPayload('The SenML pack has only base fields and no record with a value or sum.');
    }

    const result = new DecodeResultBuilder();
    for (const record of records) {
      if (record instanceof RejectionError) {
        result.reject(record, record.entryIndex);
        continue;
      }
      result.collectEntry(record.index, () => addRecordReadings(record, ctx, result));
    }

    return result.build();
  }
}

function addRecordReadings(
  record: SenmlResolvedRecord,
  ctx: DecodeContext,
  result: DecodeResultBuilder,
): void {
  const timeMs = resolveSenmlTime(record.timeSeconds, ctx);
  const field = senmlFieldName(record, ctx.deviceId);
  const common = { deviceId: ctx.deviceId, unit: record.unit, timeMs, entryIndex: record.index };

  if (record.value !== undefined) {
    result.addReading({ ...common, field, value: record.value });
  }
  if (record.sum !== undefined) {
    result.addReading({ ...common, field: `${field}${SENML_SUM_SUFFIX}`, value: record.sum });
  }
}

/** Converts bt + t (seconds) to UTC epoch ms and checks it like every other payload time. */
export function resolveSenmlTime(
  timeSeconds: number,
  ctx: Pick<DecodeContext, 'receivedAtMs' | 'nowMs'>,
): number {
  const offsetMs = Math.round(timeSeconds * 1000);
  const timeMs = timeSeconds >= SENML_RELATIVE_TIME_LIMIT_S ? offsetMs : ctx.receivedAtMs + offsetMs;
  checkTimeRange(timeMs, timeSeconds, { nowMs: ctx.nowMs, field: 't' });

  return timeMs;
}

/** Field name of a resolved record for `deviceId`, by the rule in the SenmlDecoder comment. */
export function senmlFieldName(record: SenmlResolvedRecord, deviceId: string): string {
  if (record.localName !== '' && baseNameNamesDevice(record.baseName, deviceId)) {
    return record.localName;
  }

  return record.name;
}

/**
 * True when `baseName`, without one trailing separator (: / . _ -), equals `deviceId` or ends
 * with ':' + deviceId (a URN such as urn:dev:ow:<id> or urn:dev:mac:<id>). The comparison
 * ignores case, because EUIs and MAC addresses appear in both cases.
 */
export function baseNameNamesDevice(baseName: string, deviceId: string): boolean {
  if (baseName === '' || deviceId === '') {
    return false;
  }

  const last = baseName[baseName.length - 1];
  const trimmed = (BASE_NAME_SEPARATORS.includes(last) ? baseName.slice(0, -1) : baseName).toLowerCase();
  const device = deviceId.toLowerCase();

  return trimmed === device || trimmed.endsWith(`:${device}`);
}

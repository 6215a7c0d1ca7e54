import { RejectionCode } from '@stadtdaten/contracts';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject, parseSourceTime } from '../common/source-value.parser';
import type { SourceDecodeContext, SourceDecoder, SourceDecodeResult } from '../source-decoder.interface';
import { readOcpiStatus, unwrapOcpiEnvelope } from './ocpi-status.reader';

const NAME = 'ocpi-evse-status';

/**
 * `/locations/{country_code}/{party_id}/{location_id}/{evse_uid}` at the end of a URL or path,
 * optionally followed by a slash, query or fragment. A sixth segment (a connector id) does not
 * match, because connectors have no status.
 */
const EVSE_PATH = /\/locations\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)\/?(?:[?#].*)?$/;

/**
 * One EVSE's status in OCPI 2.2: the body of the PATCH a CPO sends to an eMSP when an EVSE
 * changes (`{ "status": "CHARGING", "last_updated": "…" }`), or a full EVSE object, also inside
 * an OCPI response envelope as `GET /locations/{location_id}/{evse_uid}` returns it.
 *
 * The EVSE is the object's `uid`. A PATCH body has none, so its uid is the last segment of the
 * eMSP path `/locations/{country_code}/{party_id}/{location_id}/{evse_uid}` at the end of
 * ctx.sourceName. The result is one `status` record at last_updated for the feature keyed by
 * that uid, as ocpi-locations keys it, and no features. A PATCH without status gives nothing.
 */
export class OcpiEvseStatusDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description = 'OCPI 2.2 EVSE status from a PATCH body or an EVSE object (status per EVSE uid)';

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const evse = unwrapOcpiEnvelope(parseJsonInput(input, NAME), NAME);
    if (!isJsonObject(evse)) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is not a JSON object; expected an OCPI EVSE or EVSE PATCH body.`,
      );
    }

    const collector = new SourceResultCollector();
    const evseUid = readEvseUid(evse, ctx.sourceName, collector);
    if (evseUid === undefined || evse.status === undefined) {
      return collector.build();
    }

    const status = readOcpiStatus(evse.status, 'status', collector);
    const rawTime = evse.last_updated;
    const timeMs = collector.attempt('last_updated', rawTime ?? null, () =>
      parseSourceTime(rawTime, ctx, 'last_updated'),
    );
    if (status !== undefined && timeMs !== undefined) {
      collector.addRecord({
        featureKey: evseUid,
        field: 'status',
        value: status,
        timeMs,
        position: 'status',
      });
    }

    return collector.build();
  }
}

/**
 * Returns the EVSE's uid from the object, else from the eMSP path; records UNKNOWN_DEVICE when
 * neither names it.
 */
function readEvseUid(
  evse: JsonObject,
  sourceName: string,
  collector: SourceResultCollector,
): string | undefined {
  if (typeof evse.uid === 'string' && evse.uid !== '') {
    return evse.uid;
  }

  const match = EVSE_PATH.exec(sourceName);
  if (match === null) {
    collector.reject(
      RejectionCode.UNKNOWN_DEVICE,
      `The body has no uid and '${sourceName}' is not an OCPI EVSE path, so the EVSE is unknown; ` +
        'send PATCH bodies to /locations/{country_code}/{party_id}/{location_id}/{evse_uid}.',
      'request path',
      sourceName,
    );

    return undefined;
  }

  return decodePathSegment(match[4]);
}

/** Percent-decodes a path segment; a segment with an invalid escape is kept as sent. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import { RejectionCode } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import {
  fractionToPercent,
  parseDecimalText,
  parseIntegerText,
  parseSourceTime,
} from '../common/source-value.parser';
import type { SourceDecodeContext } from '../source-decoder.interface';
import type { Datex2Publication } from './datex2-parking-table.reader';
import {
  attributeOf,
  childElements,
  childText,
  firstChild,
  textOf,
  type XmlElement,
} from './datex2-xml.reader';

/** The values of one status record, whatever the DATEX II version. */
interface StatusEntry {
  position: string;
  reference: string | undefined;
  timeMember: string;
  timeText: string | undefined;
  counts: Array<{ field: string; member: string; text: string }>;
  occupancy: { member: string; text: string } | undefined;
  /** Element that contains the status values, for positions. */
  statusMember: string;
  statuses: string[];
}

/**
 * DATEX II status values that a record can carry, the most telling first. A facility marked
 * `closed` is closed even when `spacesAvailable` is also set (the Stuttgart feed does this at
 * night), and `full` is more specific than `open`.
 */
export const DATEX2_STATUS_PRECEDENCE: readonly string[] = [
  'closedAbnormal',
  'closed',
  'full',
  'fullAtEntrance',
  'almostFull',
  'spacesAvailable',
  'open',
  'openingTimesInForce',
];

/** Status values by which the source states that it does not know the status. */
const UNKNOWN_STATUSES: ReadonlySet<string> = new Set(['statusUnknown', 'unknown']);

/**
 * Adds the records of a status publication: free_spaces, occupied_spaces, capacity,
 * occupancy_rate (%) and status, each where the record carries it, at the record's own time
 * or else the publication time. A record that references a facility not yet described gets a
 * feature with its key only.
 */
export function addParkingStatusRecords(
  publication: Datex2Publication,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
  occupancyFraction: boolean,
): void {
  const entries =
    publication.kind === 'facilityStatus'
      ? readFacilityStatusEntries(publication)
      : readRecordStatusEntries(publication);
  for (const entry of entries) {
    addEntryRecords(entry, ctx, collector, occupancyFraction);
  }
}

/** v2.0 `parkingFacilityStatus` wrappers; the same name is also used for the status values inside. */
function readFacilityStatusEntries(publication: Datex2Publication): StatusEntry[] {
  return childElements(publication.element, 'parkingFacilityStatus').map((status, index) => {
    const ownTime = childText(status, 'parkingFacilityStatusTime');

    return {
      position: `parkingFacilityStatus[${index}]`,
      reference: referenceId(status, 'parkingFacilityReference'),
      ...timeOf(ownTime, 'parkingFacilityStatusTime', publication),
      counts: readCounts(status, [
        ['free_spaces', 'totalNumberOfVacantParkingSpaces'],
        ['occupied_spaces', 'totalNumberOfOccupiedParkingSpaces'],
        ['capacity', 'totalParkingCapacityOverride'],
      ]),
      occupancy: readOptional(status, 'parkingFacilityOccupancy'),
      statusMember: 'parkingFacilityStatus',
      statuses: childElements(status, 'parkingFacilityStatus').map(textOf),
    };
  });
}

/** v2.3 and v3 `parkingRecordStatus` with its `parkingOccupancy` and site status values. */
function readRecordStatusEntries(publication: Datex2Publication): StatusEntry[] {
  return childElements(publication.element, 'parkingRecordStatus').map((status, index) => {
    const occupancy = firstChild(status, 'parkingOccupancy') ?? {};
    const ownTime = childText(status, 'parkingStatusOriginTime');

    return {
      position: `parkingRecordStatus[${index}]`,
      reference: referenceId(status, 'parkingRecordReference'),
      ...timeOf(ownTime, 'parkingStatusOriginTime', publication),
      counts: readCounts(occupancy, [
        ['free_spaces', 'parkingNumberOfVacantSpaces'],
        ['occupied_spaces', 'parkingNumberOfOccupiedSpaces'],
        ['capacity', 'parkingNumberOfSpacesOverride'],
      ]),
      occupancy: readOptional(occupancy, 'parkingOccupancy'),
      statusMember: 'parkingSiteStatus',
      statuses: [
        ...childElements(status, 'parkingSiteStatus').map(textOf),
        ...childElements(status, 'parkingSiteOpeningStatus').map(textOf),
      ],
    };
  });
}

function referenceId(status: XmlElement, referenceName: string): string | undefined {
  const reference = firstChild(status, referenceName);

  return reference === undefined ? undefined : attributeOf(reference, 'id');
}

function timeOf(ownTime: string | undefined, ownMember: string, publication: Datex2Publication) {
  return ownTime === undefined
    ? { timeMember: 'publicationTime', timeText: publication.publicationTime }
    : { timeMember: ownMember, timeText: ownTime };
}

function readCounts(
  element: XmlElement,
  members: Array<[field: string, member: string]>,
): StatusEntry['counts'] {
  return members.flatMap(([field, member]) => {
    const text = childText(element, member);

    return text === undefined ? [] : [{ field, member, text }];
  });
}

function readOptional(element: XmlElement, member: string): StatusEntry['occupancy'] {
  const text = childText(element, member);

  return text === undefined ? undefined : { member, text };
}

function addEntryRecords(
  entry: StatusEntry,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
  occupancyFraction: boolean,
): void {
  if (entry.reference === undefined || entry.reference === '') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      'The status record has no reference id, so its values belong to no facility; fix the publication.',
      entry.position,
      '',
    );

    return;
  }
  const featureKey = entry.reference;
  collector.addFeature({ key: featureKey });
  if (entry.timeText === undefined) {
    collector.reject(
      RejectionCode.INVALID_TIMESTAMP,
      'The status record has no time and the publication no publicationTime; the values cannot be placed in time.',
      entry.position,
      '',
    );

    return;
  }

  const timePosition = `${entry.position}.${entry.timeMember}`;
  const timeText = entry.timeText;
  const timeMs = collector.attempt(timePosition, timeText, () =>
    parseSourceTime(timeText, ctx, entry.timeMember),
  );
  if (timeMs === undefined) {
    return;
  }

  addCountRecords(entry, featureKey, timeMs, collector);
  addOccupancyRecord(entry, featureKey, timeMs, collector, occupancyFraction);
  addStatusRecord(entry, featureKey, timeMs, collector);
}

function addCountRecords(
  entry: StatusEntry,
  featureKey: string,
  timeMs: number,
  collector: SourceResultCollector,
) {
  for (const count of entry.counts) {
    const position = `${entry.position}.${count.member}`;
    const value = parseIntegerText(count.text);
    if (value === undefined || value < 0) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `${count.member} '${count.text}' is not a non-negative integer, as DATEX II requires.`,
        position,
        count.text,
      );
      continue;
    }
    collector.addRecord({ featureKey, field: count.field, value, timeMs, position });
  }
}

function addOccupancyRecord(
  entry: StatusEntry,
  featureKey: string,
  timeMs: number,
  collector: SourceResultCollector,
  occupancyFraction: boolean,
) {
  if (entry.occupancy === undefined) {
    return;
  }

  const { member, text } = entry.occupancy;
  const position = `${entry.position}.${member}`;
  const parsed = parseDecimalText(text);
  if (parsed === undefined || parsed < 0) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `${member} '${text}' is not a non-negative number (percent of the spaces occupied).`,
      position,
      text,
    );

    return;
  }

  const value = occupancyFraction ? fractionToPercent(parsed) : parsed;
  collector.addRecord({ featureKey, field: 'occupancy_rate', value, unit: '%', timeMs, position });
}

function addStatusRecord(
  entry: StatusEntry,
  featureKey: string,
  timeMs: number,
  collector: SourceResultCollector,
) {
  const position = `${entry.position}.${entry.statusMember}`;
  let bestRank = DATEX2_STATUS_PRECEDENCE.length;
  let unknownStated = false;

  for (const status of entry.statuses) {
    const rank = DATEX2_STATUS_PRECEDENCE.indexOf(status);
    if (rank >= 0) {
      bestRank = Math.min(bestRank, rank);
    } else if (UNKNOWN_STATUSES.has(status)) {
      unknownStated = true;
    } else {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `Status '${status}' is not a DATEX II parking status; expected one of ` +
          `${[...DATEX2_STATUS_PRECEDENCE, ...UNKNOWN_STATUSES].join(', ')}.`,
        position,
        status,
      );
    }
  }

  if (bestRank < DATEX2_STATUS_PRECEDENCE.length) {
    collector.addRecord({
      featureKey,
      field: 'status',
      value: DATEX2_STATUS_PRECEDENCE[bestRank],
      timeMs,
      position,
    });
  } else if (unknownStated) {
    collector.countMissing();
  }
}

import { RejectionCode } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, parseIntegerText, pointGeometry } from '../common/source-value.parser';
import type { SourceFeature } from '../source-decoder.interface';
import {
  attributeOf,
  childElements,
  childNames,
  childText,
  findDescendant,
  firstChild,
  multilingualText,
  type XmlElement,
} from './datex2-xml.reader';

/** Kinds of DATEX II parking publications: v2.0 facility tables, v2.3 and v3 parking records. */
export type Datex2PublicationKind = 'facilityStatus' | 'recordStatus' | 'facilityTable' | 'recordTable';

export interface Datex2Publication {
  kind: Datex2PublicationKind;
  element: XmlElement;
  /** publicationTime of the enclosing payload publication, for records without their own time. */
  publicationTime?: string;
}

const PUBLICATION_ELEMENTS: ReadonlyMap<string, Datex2PublicationKind> = new Map([
  ['parkingFacilityTableStatusPublication', 'facilityStatus'],
  ['parkingStatusPublication', 'recordStatus'],
  ['parkingFacilityTablePublication', 'facilityTable'],
  ['parkingTablePublication', 'recordTable'],
]);

/** DATEX II v3 names the publication only in `xsi:type` of its `payload` element. */
const V3_PUBLICATION_TYPES: ReadonlyMap<string, Datex2PublicationKind> = new Map([
  ['ParkingStatusPublication', 'recordStatus'],
  ['ParkingTablePublication', 'recordTable'],
]);

const MAX_SEARCH_DEPTH = 12;

/**
 * Finds the parking publications in a DATEX II document: v2 publications inside
 * genericPublicationExtension (or anywhere else in the tree) and v3 payloads whose xsi:type
 * is ParkingStatusPublication or ParkingTablePublication.
 */
export function findParkingPublications(root: XmlElement): Datex2Publication[] {
  const found: Datex2Publication[] = [];
  visitForPublications(root, undefined, MAX_SEARCH_DEPTH, found);

  return found;
}

function visitForPublications(
  element: XmlElement,
  inheritedTime: string | undefined,
  depth: number,
  found: Datex2Publication[],
): void {
  const publicationTime = childText(element, 'publicationTime') ?? inheritedTime;
  const v3Kind = V3_PUBLICATION_TYPES.get(localTypeName(attributeOf(element, 'type')));
  if (v3Kind !== undefined) {
    found.push({ kind: v3Kind, element, publicationTime });

    return;
  }
  if (depth === 0) {
    return;
  }

  for (const name of childNames(element)) {
    const kind = PUBLICATION_ELEMENTS.get(name);
    for (const child of childElements(element, name)) {
      if (kind === undefined) {
        visitForPublications(child, publicationTime, depth - 1, found);
      } else {
        found.push({ kind, element: child, publicationTime });
      }
    }
  }
}

function localTypeName(type: string | undefined): string {
  return type === undefined ? '' : type.slice(type.indexOf(':') + 1);
}

/**
 * Adds one feature per parking facility (v2.0 `parkingFacility`) or parking record (v2.3 and
 * v3 `parkingRecord`) of a table publication: its id, name, point location and capacity
 * (`totalParkingCapacity` or `parkingNumberOfSpaces`). Unreadable values become problems and
 * the feature is added without them.
 */
export function addParkingTableFeatures(
  publication: Datex2Publication,
  collector: SourceResultCollector,
  positionPrefix: string,
): void {
  const isFacilityTable = publication.kind === 'facilityTable';
  const tableName = isFacilityTable ? 'parkingFacilityTable' : 'parkingTable';
  const entryName = isFacilityTable ? 'parkingFacility' : 'parkingRecord';
  let index = 0;

  for (const table of childElements(publication.element, tableName)) {
    for (const entry of childElements(table, entryName)) {
      const position = `${positionPrefix}${entryName}[${index}]`;
      index += 1;
      const feature = readTableEntry(entry, isFacilityTable, position, collector);
      if (feature !== undefined) {
        collector.addFeature(feature);
      }
    }
  }
}

function readTableEntry(
  entry: XmlElement,
  isFacilityTable: boolean,
  position: string,
  collector: SourceResultCollector,
): SourceFeature | undefined {
  const key = attributeOf(entry, 'id');
  if (key === undefined || key === '') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      'The table entry has no id attribute, so no thing can be keyed by it; fix the static publication.',
      position,
      '',
    );

    return undefined;
  }

  const feature: SourceFeature = { key };
  const nameElement = firstChild(entry, isFacilityTable ? 'parkingFacilityName' : 'parkingName');
  const name = nameElement === undefined ? undefined : multilingualText(nameElement);
  if (name !== undefined) {
    feature.name = name;
  }

  const geometry = readTableLocation(entry, isFacilityTable, position, collector);
  if (geometry !== undefined) {
    feature.geometry = geometry;
  }

  const capacityMember = isFacilityTable ? 'totalParkingCapacity' : 'parkingNumberOfSpaces';
  const capacityText = childText(entry, capacityMember);
  if (capacityText !== undefined) {
    const capacity = parseIntegerText(capacityText);
    if (capacity === undefined || capacity < 0) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `${capacityMember} '${capacityText}' is not a non-negative integer; the thing is registered without capacity.`,
        `${position}.${capacityMember}`,
        capacityText,
      );
    } else {
      feature.properties = { capacity };
    }
  }

  return feature;
}

function readTableLocation(
  entry: XmlElement,
  isFacilityTable: boolean,
  position: string,
  collector: SourceResultCollector,
) {
  const locationNames = isFacilityTable ? ['facilityLocation', 'entranceLocation'] : ['parkingLocation'];
  for (const locationName of locationNames) {
    const location = firstChild(entry, locationName);
    const coordinates = location === undefined ? undefined : findDescendant(location, 'pointCoordinates');
    if (coordinates === undefined) {
      continue;
    }

    const latitudeText = childText(coordinates, 'latitude') ?? '';
    const longitudeText = childText(coordinates, 'longitude') ?? '';
    const latitude = parseDecimalText(latitudeText);
    const longitude = parseDecimalText(longitudeText);
    const geometry =
      latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
    if (geometry === undefined) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `Coordinates latitude '${latitudeText}', longitude '${longitudeText}' are not WGS 84 degrees; ` +
          'the thing is registered without location.',
        `${position}.${locationName}`,
        `${latitudeText} ${longitudeText}`,
      );
    }

    return geometry;
  }

  return undefined;
}

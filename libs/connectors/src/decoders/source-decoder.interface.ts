import type { RejectionError } from '@stadtdaten/contracts';
import type { ZodType } from 'zod';

/** A point or shape on the map, as GeoJSON geometry in WGS 84 (longitude first). */
export interface SourceGeometry {
  type: 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

/**
 * One real-world thing that a source describes (a parking facility, a measuring station, a
 * charge point, a stop, a detector). Connectors that register things by themselves create
 * one thing per feature key from the connector's device type.
 */
export interface SourceFeature {
  /** The source's own stable id of the thing, e.g. a DATEX II facility id or a UBA station code. */
  key: string;
  name?: string;
  description?: string;
  geometry?: SourceGeometry;
  /** Further descriptive values (capacity, operator, address); never person-related ids. */
  properties?: Record<string, string | number | boolean>;
}

/** One value for one feature at one instant. */
export interface SourceRecord {
  /** SourceFeature.key of the thing this value belongs to. */
  featureKey: string;
  /**
   * Name of the quantity in lower snake case, stable per decoder (e.g. free_spaces, no2,
   * arrival_delay), like the field names of device types. The connector's mapping turns it
   * into a datastream of the device type.
   */
  field: string;
  value: number | string | boolean;
  /** UCUM code of the unit where the source states one (ug/m3, MW, s, %); undefined when implied. */
  unit?: string;
  /** UTC epoch milliseconds. */
  timeMs: number;
  /** Where in the input the value stands, for people: `line 14, column "Luisencenter"` or `features[3]`. */
  position: string;
}

/** Everything one input (a file, a response body) held. */
export interface SourceDecodeResult {
  features: SourceFeature[];
  records: SourceRecord[];
  /**
   * Values the decoder could not use: unparseable numbers, missing or impossible times,
   * rows of unknown shape. Each becomes a dead-letter entry; nothing is skipped silently.
   * Use RejectionCode values, put the position into `details.position` and the offending
   * text into `details.value`.
   */
  problems: RejectionError[];
  /**
   * Cells that the source itself marks as "no value" (`-` in UBA files, `-1` in traffic-computer
   * files). They are counted, not dead-lettered, because the source states there is nothing.
   */
  missing: number;
  /** Values held back for a later run, such as forecasts further ahead than the validator accepts. */
  deferred?: number;
  /** Address of the next page where the source pages its answers (`@iot.nextLink`); else undefined. */
  next?: string;
}

/** Settings a decoder reads besides the input bytes. */
export interface SourceDecodeContext {
  /** File name or URL of the input, for positions and for decoders that tell layouts apart by name. */
  sourceName: string;
  /** IANA zone for local times without offset (Europe/Berlin for German sources). */
  timeZone: string;
  /** Current time (UTC epoch ms), injected so that decoding never reads the clock. */
  nowMs: number;
  /** Decoder-specific settings from the connector configuration, checked by `optionsSchema`. */
  options: Record<string, unknown>;
}

/**
 * Decoder of one source format. Pure: no I/O except reading files that its options name
 * (a GTFS static feed folder, say), no clock, no network.
 */
export interface SourceDecoder {
  /** Name used in connector configuration, lower kebab case, e.g. datex2-parking. */
  readonly name: string;
  /** One line for the connector docs and `stadtdaten connector list`. */
  readonly description: string;
  /** Checks the connector's `options` for this decoder; the connectors file is checked with it at load. */
  readonly optionsSchema?: ZodType;
  /**
   * Throws RejectionError (MALFORMED_PAYLOAD / UNSUPPORTED_FORMAT) when the input as a whole
   * cannot be read; per-value failures go into `problems` instead.
   */
  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult;
}

import type { Geometry } from '../filter-values';

/** A WKT syntax error at a 0-based offset in the WKT text. */
export class WktSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Position = [number, number];

/**
 * Parses Well-Known Text (POINT, LINESTRING, POLYGON, their MULTI forms and
 * GEOMETRYCOLLECTION) into GeoJSON. An optional `SRID=4326;` prefix is accepted, and Z and M
 * values are dropped. Coordinates are longitude then latitude, as in GeoJSON.
 */
export function parseWkt(text: string): Geometry {
  const reader = new WktReader(text);
  reader.skipSrid();
  const geometry = reader.geometry();
  reader.expectEnd();

  return geometry;
}

class WktReader {
  private offset = 0;

  constructor(private readonly text: string) {}

  skipSrid(): void {
    const match = /^\s*SRID=(\d+);/i.exec(this.text);
    if (match === null) {
      return;
    }
    if (match[1] !== '4326') {
      throw new WktSyntaxError(`SRID ${match[1]} is not supported; give WGS 84 coordinates (SRID=4326)`, 0);
    }
    this.offset = match[0].length;
  }

  geometry(): Geometry {
    const start = this.offset;
    const keyword = this.word();
    this.skipDimensionSuffix();
    switch (keyword) {
      case 'POINT':
        return { type: 'Point', coordinates: this.parenthesized(() => this.position()) };
      case 'LINESTRING':
        return { type: 'LineString', coordinates: this.positionList() };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: this.ringList() };
      case 'MULTIPOINT':
        return {
          type: 'MultiPoint',
          coordinates: this.parenthesized(() => this.list(() => this.multiPointMember())),
        };
      case 'MULTILINESTRING':
        return {
          type: 'MultiLineString',
          coordinates: this.parenthesized(() => this.list(() => this.positionList())),
        };
      case 'MULTIPOLYGON':
        return {
          type: 'MultiPolygon',
          coordinates: this.parenthesized(() => this.list(() => this.ringList())),
        };
      case 'GEOMETRYCOLLECTION':
        return {
          type: 'GeometryCollection',
          geometries: this.parenthesized(() => this.list(() => this.geometry())),
        };
      default:
        throw new WktSyntaxError(
          `unknown geometry type "${keyword}"; use POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON or GEOMETRYCOLLECTION`,
          start,
        );
    }
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.offset < this.text.length) {
      throw new WktSyntaxError('unexpected text after the geometry', this.offset);
    }
  }

  private ringList(): Position[][] {
    const rings = this.parenthesized(() => this.list(() => this.positionList()));
    rings.forEach((ring) => {
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (ring.length < 4 || first[0] !== last[0] || first[1] !== last[1]) {
        throw new WktSyntaxError(
          'a polygon ring needs at least 4 positions and must end where it starts',
          this.offset,
        );
      }
    });

    return rings;
  }

  private multiPointMember(): Position {
    this.skipSpace();

    return this.text[this.offset] === '(' ? this.parenthesized(() => this.position()) : this.position();
  }

  private positionList(): Position[] {
    return this.parenthesized(() => this.list(() => this.position()));
  }

  private position(): Position {
    const numbers: number[] = [];
    for (;;) {
      this.skipSpace();
      const match = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.offset));
      if (match === null) {
        break;
      }
      numbers.push(Number(match[0]));
      this.offset += match[0].length;
    }
    if (numbers.length < 2 || numbers.length > 4) {
      throw new WktSyntaxError(
        'expected a position of longitude and latitude, e.g. "8.65 49.87"',
        this.offset,
      );
    }
    const [longitude, latitude] = numbers;
    if (Math.abs(longitude) > 180 || Math.abs(latitude) > 90) {
      throw new WktSyntaxError(
        `position ${longitude} ${latitude} is outside WGS 84; write longitude first`,
        this.offset,
      );
    }

    return [longitude, latitude];
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.consume(',')) {
      items.push(item());
    }

    return items;
  }

  private parenthesized<T>(body: () => T): T {
    if (!this.consume('(')) {
      throw new WktSyntaxError('expected "("', this.offset);
    }
    const value = body();
    if (!this.consume(')')) {
      throw new WktSyntaxError('expected ")" or ","', this.offset);
    }

    return value;
  }

  private word(): string {
    this.skipSpace();
    const match = /^[A-Za-z]+/.exec(this.text.slice(this.offset));
    if (match === null) {
      throw new WktSyntaxError('expected a geometry type such as POINT', this.offset);
    }
    this.offset += match[0].length;

    return match[0].toUpperCase();
  }

  private skipDimensionSuffix(): void {
    this.skipSpace();
    const match = /^(ZM|Z|M)\b/i.exec(this.text.slice(this.offset));
    if (match !== null) {
      this.offset += match[0].length;
    }
  }

  private consume(char: string): boolean {
    this.skipSpace();
    if (this.text[this.offset] !== char) {
      return false;
    }
    this.offset += 1;

    return true;
  }

  private skipSpace(): void {
    while (this.offset < this.text.length && /\s/.test(this.text[this.offset])) {
      this.offset += 1;
    }
  }
}

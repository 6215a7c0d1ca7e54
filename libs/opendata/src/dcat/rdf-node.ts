import { type Quad, DataFactory, type BlankNode, type NamedNode } from 'n3';
import { PREFIXES, expand } from './vocabularies';

/** An IRI value. */
export interface IriValue {
  iri: string;
}

/** A literal, with a language tag or a datatype (a prefixed name such as xsd:dateTime). */
export interface LiteralValue {
  value: string;
  language?: string;
  datatype?: string;
}

export type RdfValue = IriValue | LiteralValue | RdfNode;

/**
 * A resource with its types and properties, written as nested JSON-LD or as triples.
 * Predicates and types are prefixed names (`dct:title`); a node without an IRI is a blank node.
 */
export class RdfNode {
  readonly properties = new Map<string, RdfValue[]>();

  constructor(
    readonly types: string[],
    readonly iri?: string,
  ) {}

  /** Adds values to a predicate; undefined values are skipped, so optional facts need no if. */
  add(predicate: string, ...values: Array<RdfValue | undefined>): this {
    const present = values.filter((value): value is RdfValue => value !== undefined);
    if (present.length > 0) {
      this.properties.set(predicate, [...(this.properties.get(predicate) ?? []), ...present]);
    }

    return this;
  }
}

export const iri = (value: string): IriValue => ({ iri: value });

export const text = (value: string, language?: string): LiteralValue => ({ value, language });

export const typed = (value: string, datatype: string): LiteralValue => ({ value, datatype });

export const dateTime = (ms: number): LiteralValue => typed(new Date(ms).toISOString(), 'xsd:dateTime');

/** Builds the JSON-LD form: prefixed names as keys, with the prefixes as the @context. */
export function toJsonLd(root: RdfNode): Record<string, unknown> {
  return { '@context': { ...PREFIXES }, ...nodeToJsonLd(root) };
}

function nodeToJsonLd(node: RdfNode): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (node.iri !== undefined) {
    object['@id'] = node.iri;
  }
  object['@type'] = node.types.length === 1 ? node.types[0] : node.types;
  for (const [predicate, values] of node.properties) {
    const converted = values.map(valueToJsonLd);
    object[predicate] = converted.length === 1 ? converted[0] : converted;
  }

  return object;
}

function valueToJsonLd(value: RdfValue): unknown {
  if (value instanceof RdfNode) {
    return nodeToJsonLd(value);
  }
  if ('iri' in value) {
    return { '@id': value.iri };
  }
  if (value.language !== undefined) {
    return { '@value': value.value, '@language': value.language };
  }
  if (value.datatype !== undefined) {
    return { '@value': value.value, '@type': value.datatype };
  }

  return value.value;
}

/** Lists the triples of a node tree. A node with an IRI that appears several times yields its triples each time. */
export function toQuads(root: RdfNode): Quad[] {
  const quads: Quad[] = [];
  let blankCount = 0;
  const { namedNode, literal, quad, blankNode } = DataFactory;

  const subjectOf = (node: RdfNode, blanks: Map<RdfNode, BlankNode>): NamedNode | BlankNode => {
    if (node.iri !== undefined) {
      return namedNode(node.iri);
    }
    let blank = blanks.get(node);
    if (blank === undefined) {
      blankCount += 1;
      blank = blankNode(`b${blankCount}`);
      blanks.set(node, blank);
    }

    return blank;
  };

  const blanks = new Map<RdfNode, BlankNode>();
  const visit = (node: RdfNode): NamedNode | BlankNode => {
    const subject = subjectOf(node, blanks);
    for (const type of node.types) {
      quads.push(quad(subject, namedNode(expand('rdf:type')), namedNode(expand(type))));
    }
    for (const [predicate, values] of node.properties) {
      for (const value of values) {
        const object =
          value instanceof RdfNode
            ? visit(value)
            : 'iri' in value
              ? namedNode(value.iri)
              : literal(value.value, value.language ?? (value.datatype === undefined ? undefined : namedNode(expand(value.datatype))));
        quads.push(quad(subject, namedNode(expand(predicate)), object));
      }
    }

    return subject;
  };
  visit(root);

  return quads;
}

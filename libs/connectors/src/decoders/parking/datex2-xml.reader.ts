import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { XMLParser } from 'fast-xml-parser';

/**
 * One XML element as fast-xml-parser returns it with the options below: `#text` contains the
 * text, `@_<name>` the attributes (namespace prefixes removed) and every other member the
 * child elements of that local name, always as an array.
 */
export type XmlElement = Record<string, unknown>;

const TEXT = '#text';
const ATTRIBUTE_PREFIX = '@_';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  trimValues: true,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

/** Parses XML text; throws RejectionError MALFORMED_PAYLOAD naming `source` when it is not well-formed. */
export function parseXmlDocument(text: string, source: string): XmlElement {
  try {
    return parser.parse(text, true) as XmlElement;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `${source} is not well-formed XML (${reason}); check that the source URL returns DATEX II XML.`,
      { cause },
    );
  }
}

/** Returns the child elements of `element` with the local name `name`, in document order. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  const children = element[name];

  return Array.isArray(children) ? (children as XmlElement[]) : [];
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return childElements(element, name)[0];
}

/** Returns the names of the child elements of `element`, without text and attributes. */
export function childNames(element: XmlElement): string[] {
  return Object.keys(element).filter((key) => key !== TEXT && !key.startsWith(ATTRIBUTE_PREFIX));
}

/** Returns the trimmed text of `element`, which is '' for an empty element. */
export function textOf(element: XmlElement): string {
  const text = element[TEXT];

  return typeof text === 'string' ? text : '';
}

/** Returns the text of the first child `name`, or undefined when there is no such child. */
export function childText(element: XmlElement, name: string): string | undefined {
  const child = firstChild(element, name);

  return child === undefined ? undefined : textOf(child);
}

export function attributeOf(element: XmlElement, name: string): string | undefined {
  const value = element[`${ATTRIBUTE_PREFIX}${name}`];

  return typeof value === 'string' ? value : undefined;
}

/**
 * Returns the text of a DATEX II MultilingualString (`<values><value lang="de">…</value></values>`),
 * the first value when there are several, or the plain text when the element has no values.
 */
export function multilingualText(element: XmlElement): string | undefined {
  const values = firstChild(element, 'values');
  const text = values === undefined ? textOf(element) : textOf(firstChild(values, 'value') ?? {});

  return text === '' ? undefined : text;
}

/**
 * Returns the first descendant element with the local name `name`, searched depth first, at most
 * `maxDepth` levels down.
 */
export function findDescendant(element: XmlElement, name: string, maxDepth = 8): XmlElement | undefined {
  const direct = firstChild(element, name);
  if (direct !== undefined || maxDepth === 0) {
    return direct;
  }
  for (const childName of childNames(element)) {
    for (const child of childElements(element, childName)) {
      const found = findDescendant(child, name, maxDepth - 1);
      if (found !== undefined) {
        return found;
      }
    }
  }

  return undefined;
}

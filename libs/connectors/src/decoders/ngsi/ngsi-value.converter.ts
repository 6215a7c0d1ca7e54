import { RejectionCode } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import { fractionToPercent, parseDecimalText } from '../common/source-value.parser';
import { type NgsiAttributeSpec, UNIT_CODE_TO_UCUM } from './ngsi-attribute.table';
import type { NgsiAttribute } from './ngsi-entity.mapper';

export interface ConvertedValue {
  value: number | string | boolean;
  unit?: string;
}

/**
 * Converts an attribute value by its kind (see NgsiValueKind) and adds the UCUM unit of its
 * unitCode. Returns undefined after recording a problem for a value of the wrong type or an
 * unknown unitCode.
 */
export function convertValue(
  spec: NgsiAttributeSpec,
  attribute: NgsiAttribute,
  position: string,
  collector: SourceResultCollector,
): ConvertedValue | undefined {
  const { value } = attribute;
  const unit = readUnit(attribute.unitCode, position, collector);
  if (unit === null) {
    return undefined;
  }

  if (spec.kind === 'text') {
    if (typeof value === 'string') {
      return { value };
    }
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
      return { value: value.join(',') };
    }

    return invalidValue(collector, position, value, 'text or a list of texts');
  }
  if (spec.kind === 'any') {
    return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
      ? withUnit(value, unit)
      : invalidValue(collector, position, value, 'a number, text or boolean');
  }

  let number: number | undefined;
  if (typeof value === 'number') {
    number = value;
  } else if (typeof value === 'string') {
    number = parseDecimalText(value);
  }
  if (number === undefined || !Number.isFinite(number)) {
    return invalidValue(collector, position, value, 'a number');
  }
  if (spec.kind === 'fraction') {
    // A fraction sent with unitCode P1 is already in percent.
    return { value: unit === '%' ? number : fractionToPercent(number), unit: '%' };
  }

  return withUnit(number, unit);
}

function withUnit(value: number | string | boolean, unit: string | undefined): ConvertedValue {
  return unit === undefined ? { value } : { value, unit };
}

/**
 * Returns the UCUM code of a unitCode, undefined without unitCode, or null after recording a
 * problem for an unknown code.
 */
function readUnit(
  unitCode: unknown,
  position: string,
  collector: SourceResultCollector,
): string | undefined | null {
  if (unitCode === undefined || unitCode === null) {
    return undefined;
  }

  const unit = typeof unitCode === 'string' ? UNIT_CODE_TO_UCUM.get(unitCode) : undefined;
  if (unit === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `unitCode ${JSON.stringify(unitCode)} is not a known UN/CEFACT code (${[...UNIT_CODE_TO_UCUM.keys()].join(', ')}); ` +
        'the value is not used because its unit is unknown.',
      `${position}.unitCode`,
      unitCode,
    );

    return null;
  }

  return unit;
}

function invalidValue(
  collector: SourceResultCollector,
  position: string,
  value: unknown,
  expected: string,
): undefined {
  collector.reject(
    RejectionCode.INVALID_PAYLOAD,
    `The value must be ${expected}, got ${JSON.stringify(value)}.`,
    position,
    value,
  );

  return undefined;
}

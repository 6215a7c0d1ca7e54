import { type DatastreamBinding, RejectionCode, RejectionError, type ResultValue } from '@stadtdaten/contracts';

/** SenML unit names that differ from the UCUM codes the registry uses. */
const SENML_TO_UCUM: Record<string, string> = {
  '%RH': '%',
  '/': '1',
  count: '{count}',
  'ug/m3': 'ug/m3',
  lx: 'lx',
  beat: '{beat}',
};

/** Checks a stated unit against the datastream's UCUM unit. */
export function checkUnit(binding: DatastreamBinding, unit: string | undefined): void {
  if (unit === undefined || unit === '') {
    return;
  }
  const ucum = SENML_TO_UCUM[unit] ?? unit;
  if (ucum !== binding.unit) {
    throw new RejectionError(
      RejectionCode.UNIT_MISMATCH,
      `unit "${unit}" of field "${binding.field}" does not match the datastream's unit "${binding.unit}"; ` +
        'send the value in the datastream unit or change the unit in the device type',
      { field: binding.field },
    );
  }
}

/** Checks a decoded value against the datastream's value schema and returns the value to store. */
export function checkValue(binding: DatastreamBinding, value: unknown): ResultValue {
  const { type, min, max } = binding.valueSchema;
  const field = binding.field;

  if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number') {
      throw wrongType(field, value, type);
    }
    if (!Number.isFinite(value)) {
      throw new RejectionError(
        RejectionCode.NOT_FINITE,
        `value ${String(value)} of field "${field}" is not a finite number; the sensor sent no usable reading`,
        { field },
      );
    }
    if (type === 'integer' && !Number.isInteger(value)) {
      throw wrongType(field, value, type);
    }
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      throw new RejectionError(
        RejectionCode.OUT_OF_RANGE,
        `value ${value} of field "${field}" is outside the range ${min ?? '-∞'} to ${max ?? '∞'}; ` +
          'check the sensor or widen the range in the device type',
        { field },
      );
    }

    return value;
  }
  if (type === 'boolean' && typeof value !== 'boolean') {
    throw wrongType(field, value, type);
  }
  if (type === 'string' && typeof value !== 'string') {
    throw wrongType(field, value, type);
  }
  if (type === 'object' && (typeof value !== 'object' || value === null)) {
    throw wrongType(field, value, type);
  }

  return value as ResultValue;
}

function wrongType(field: string, value: unknown, expected: string): RejectionError {
  const displayed = JSON.stringify(value) ?? String(value);

  return new RejectionError(
    RejectionCode.WRONG_TYPE,
    `value ${displayed.slice(0, 80)} of field "${field}" is not of type ${expected}; ` +
      'fix the payload or the value type in the device type',
    { field },
  );
}

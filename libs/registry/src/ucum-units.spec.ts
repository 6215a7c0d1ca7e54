import { UCUM_UNITS, describeUnknownUnit, isKnownUnit, unitInfo } from './ucum-units';

describe('ucum-units', () => {
  it('knows the codes catalogs use', () => {
    for (const code of [
      'ug/m3',
      'Cel',
      '%',
      '1',
      '{count}',
      '{spaces}',
      'hPa',
      'kW.h',
      '[ppm]',
      'km/h',
      '{vehicles}/h',
    ]) {
      expect({ code, known: isKnownUnit(code) }).toEqual({ code, known: true });
    }
  });

  it('rejects spellings that are not UCUM', () => {
    expect(isKnownUnit('kWh')).toBe(false);
    expect(isKnownUnit('toString')).toBe(false);
  });

  it('suggests the UCUM code for a common spelling', () => {
    expect(describeUnknownUnit('kWh')).toBe('unit "kWh" is not a UCUM code; write "kW.h" instead');
    expect(describeUnknownUnit('°C')).toBe('unit "°C" is not a UCUM code; write "Cel" instead');
  });

  it('lists every known code for an unknown unit', () => {
    const message = describeUnknownUnit('furlong');

    for (const code of Object.keys(UCUM_UNITS)) {
      expect(message).toContain(code);
    }
  });

  it('has a symbol and two labels for every code', () => {
    for (const [code, info] of Object.entries(UCUM_UNITS)) {
      expect({ code, de: info.de.length > 0, en: info.en.length > 0 }).toEqual({ code, de: true, en: true });
    }
    expect(unitInfo('Cel')).toEqual({ symbol: '°C', de: 'Grad Celsius', en: 'degrees Celsius' });
  });
});

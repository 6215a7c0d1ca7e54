import { type AppError, ErrorCode } from '@stadtdaten/contracts';
import { parseCatalogText } from './catalog-parse';

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('parseCatalogText accepted invalid text');
}

describe(parseCatalogText.name, () => {
  it('parses YAML', () => {
    const document = parseCatalogText('tenants:\n  - { id: darmstadt, name: Darmstadt }\n', 'catalog.yaml');

    expect(document).toEqual({ tenants: [{ id: 'darmstadt', name: 'Darmstadt' }] });
  });

  it('parses JSON by file name', () => {
    expect(parseCatalogText('{"devices": []}', 'catalog.json')).toEqual({ devices: [] });
  });

  it('parses JSON without a file name', () => {
    expect(parseCatalogText('{"devices": []}')).toEqual({ devices: [] });
  });

  it('keeps codes like Cel and 1 as written', () => {
    const document = parseCatalogText('units: [Cel, "1", "{spaces}", "%"]\nflag: on\n', 'catalog.yaml');

    // The YAML 1.2 core schema reads `on` as a string, unlike YAML 1.1.
    expect(document).toEqual({ units: ['Cel', '1', '{spaces}', '%'], flag: 'on' });
  });

  it('reports the line of a YAML syntax error', () => {
    const error = errorOf(() => parseCatalogText('tenants:\n  - id: [darmstadt\n', 'demo.yaml'));

    expect(error.code).toBe(ErrorCode.INVALID_CATALOG);
    expect(error.message).toMatch(
      /^demo\.yaml is not valid YAML at line \d+, column \d+: .+; fix the syntax/,
    );
  });

  it('rejects duplicate keys', () => {
    const error = errorOf(() => parseCatalogText('tenants: []\ntenants: []\n', 'demo.yaml'));

    expect(error.message).toContain(
      'demo.yaml is not valid YAML at line 2, column 1: Map keys must be unique',
    );
  });

  it('reports invalid JSON', () => {
    const error = errorOf(() => parseCatalogText('{"tenants": ', 'demo.json'));

    expect(error.code).toBe(ErrorCode.INVALID_CATALOG);
    expect(error.message).toContain('demo.json is not valid JSON');
  });
});

import { parseConnectors } from '../src';

const DECODERS = ['datex2-parking', 'uba-air'];

describe('parseConnectors', () => {
  it('reads a complete connector with defaults', () => {
    const [connector] = parseConnectors(
      `connectors:
  - name: parking-stuttgart
    tenant: darmstadt
    decoder: datex2-parking
    source:
      url: https://parken.example.org/datex2.xml
      headers: { Authorization: "env:PARKING_API_TOKEN" }
    schedule: { every: 5m }
    mapping: { deviceType: parking-facility, deviceId: "stuttgart-{key}", register: true, useCase: parking }
`,
      'connectors.yaml',
      DECODERS,
    );
    expect(connector).toMatchObject({
      name: 'parking-stuttgart',
      timeZone: 'Europe/Berlin',
      chunkSize: 500,
      source: { timeoutSeconds: 30, retries: 3, maxBytes: 50_000_000 },
      schedule: { every: '5m' },
    });
  });

  it('lists every problem at once with path and value', () => {
    const text = `connectors:
  - name: Parking
    tenant: darmstadt
    decoder: datex2-parking
    source: { url: ftp://x, file: /tmp/a }
    schedule: { every: 5 minutes }
    mapping: { deviceType: parking, deviceId: "p-1", register: true }
`;
    expect(() => parseConnectors(text, 'c.yaml', DECODERS)).toThrow(
      [
        'c.yaml has 6 problems:',
        '- connectors[0].name: use lower-case letters, digits and "-", at most 63 characters (found "Parking")',
        '- connectors[0].source.url: use an http:// or https:// address (found "ftp://x")',
        '- connectors[0].source: give exactly one of url, file or folder; url and file are set',
        '- connectors[0].schedule.every: write the interval as a number and s, m, h or d, e.g. 5m (found "5 minutes")',
        '- connectors[0].mapping.deviceId: the template must contain {key} (found "p-1")',
        '- connectors[0].mapping.useCase: register: true needs a useCase for the new things (missing)',
      ].join('\n'),
    );
  });

  it('rejects unknown decoders, zones, bad cron and duplicate names', () => {
    const entry = (name: string, extra: string) => `  - name: ${name}
    tenant: darmstadt
    source: { file: /tmp/a.csv }
    mapping: { deviceType: uba, deviceId: "uba-{key}" }
${extra}`;
    const text = `connectors:\n${entry('a', '    decoder: nope\n')}${entry('a', '    decoder: uba-air\n    timeZone: Mars/Olympus\n')}${entry('b', '    decoder: uba-air\n    schedule: { cron: "99 * * * * *" }\n')}`;
    let message = '';
    try {
      parseConnectors(text, 'c.yaml', DECODERS);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('connectors[0].decoder: unknown decoder "nope"; use one of datex2-parking, uba-air');
    expect(message).toContain('connectors[1].name: "a" is used twice');
    expect(message).toContain('connectors[1].timeZone: unknown time zone "Mars/Olympus"');
    expect(message).toContain('connectors[2].schedule.cron: "99 * * * * *" is not a cron expression');
  });

  it('suggests the key a typo meant', () => {
    const text = `connectors:
  - name: a
    tenant: darmstadt
    decoder: uba-air
    sourse: { file: /tmp/a.csv }
    mapping: { deviceType: uba, devceId: "uba-{key}" }
`;
    let message = '';
    try {
      parseConnectors(text, 'c.yaml', DECODERS);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('connectors[0]: unknown key "sourse" (did you mean "source"?)');
    expect(message).toContain('connectors[0].mapping: unknown key "devceId" (did you mean "deviceId"?); allowed here: deviceType, deviceId,');
  });

  it('rejects device ids that the template cannot form and unknown use cases', () => {
    const text = `connectors:
  - name: a
    tenant: darmstadt
    decoder: uba-air
    source: { file: /tmp/a.csv }
    mapping: { deviceType: uba, deviceId: "uba {key}", register: true, useCase: parken }
`;
    let message = '';
    try {
      parseConnectors(text, 'c.yaml', DECODERS);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('mapping.deviceId: besides {key}, use only letters, digits');
    expect(message).toContain('mapping.useCase: use one of parking, air-quality');
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => parseConnectors('connectors: [\n  {name: a', 'c.yaml', DECODERS)).toThrow(/c.yaml is not valid YAML: .*line/);
  });
});

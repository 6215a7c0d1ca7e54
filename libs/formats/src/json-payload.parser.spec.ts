import { RejectionCode } from '@stadtdaten/contracts';
import { rejectionOf, textBytes } from '../test/fixtures';
import { parseJsonPayload } from './json-payload.parser';

describe('parseJsonPayload', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonPayload(textBytes('{"name":"Müller"}'), 'json')).toEqual({ name: 'Müller' });
  });

  it('drops a byte order mark', () => {
    expect(parseJsonPayload(textBytes('\uFEFF[1]'), 'json')).toEqual([1]);
  });

  it('names line, column and offset', () => {
    const error = rejectionOf(() => parseJsonPayload(textBytes('{\n  "a": 1,\n  "b": }'), 'senml'));

    expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
    expect(error.message).toContain('senml');
    expect(error.message).toContain('line 3, column 8 (offset 19)');
  });

  it('rejects empty input', () => {
    const error = rejectionOf(() => parseJsonPayload(new Uint8Array(0), 'json'));

    expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
    expect(error.message).toContain('unexpected end of input');
  });

  it('rejects invalid UTF-8', () => {
    const error = rejectionOf(() => parseJsonPayload(new Uint8Array([0x7b, 0xff, 0x7d]), 'json'));

    expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
    expect(error.message).toContain('UTF-8');
  });
});

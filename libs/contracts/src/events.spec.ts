import { createObservation, decodeObservation, encodeObservation, fromResultCase, toResultCase } from './events';

describe('Observation encoding', () => {
  it.each([[21.5], ['open'], [true], [{ lat: 49.87 }]])('round-trips result %p', (value) => {
    const sut = createObservation({ id: 'o-1', tenant: 'darmstadt', result: toResultCase(value) });

    const decoded = decodeObservation(encodeObservation(sut));

    expect(fromResultCase(decoded.result)).toEqual(value);
  });

  it('keeps millisecond times exact', () => {
    const sut = createObservation({ phenomenonTimeMs: 1_733_338_800_123 });

    expect(decodeObservation(encodeObservation(sut)).phenomenonTimeMs).toBe(1_733_338_800_123);
  });
});

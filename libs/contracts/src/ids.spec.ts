import { observationId, rejectionId } from './ids';

describe('observationId', () => {
  it('is stable for the same tenant, datastream and time', () => {
    expect(observationId('darmstadt', 'ds-1', 1_700_000_000_000)).toBe(
      observationId('darmstadt', 'ds-1', 1_700_000_000_000),
    );
  });

  it('differs across tenants', () => {
    expect(observationId('darmstadt', 'ds-1', 0)).not.toBe(observationId('heag', 'ds-1', 0));
  });

  it('differs across times', () => {
    expect(observationId('darmstadt', 'ds-1', 0)).not.toBe(observationId('darmstadt', 'ds-1', 1));
  });
});

describe('rejectionId', () => {
  const raw = { tenant: 'darmstadt', deviceId: 'd-1', payload: Buffer.from('{"t":1}') };

  it('separates entries of one message', () => {
    expect(rejectionId(raw, 0)).not.toBe(rejectionId(raw, 1));
  });

  it('is stable for the same payload', () => {
    expect(rejectionId(raw, 0, 'x')).toBe(rejectionId({ ...raw, payload: Buffer.from('{"t":1}') }, 0, 'x'));
  });

  it('differs across devices', () => {
    expect(rejectionId(raw, 0)).not.toBe(rejectionId({ ...raw, deviceId: 'd-2' }, 0));
  });
});

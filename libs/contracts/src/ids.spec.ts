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
  it('separates entries of one message', () => {
    expect(rejectionId('m-1', 0)).not.toBe(rejectionId('m-1', 1));
  });
});

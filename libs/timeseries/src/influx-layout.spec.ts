import {
  decodeNamePart,
  encodeNamePart,
  parseTenantDatabase,
  retentionPolicyName,
  tenantDatabase,
} from './influx-layout';

describe('influx layout', () => {
  describe('tenantDatabase', () => {
    it('keeps readable ids readable', () => {
      expect(tenantDatabase('stadtdaten', 'darmstadt', 'onprem-darz')).toBe(
        'stadtdaten_darmstadt__onprem_darz',
      );
    });

    it('keeps dash-split pairs apart', () => {
      expect(tenantDatabase('p', 'a-b', 'c')).not.toBe(tenantDatabase('p', 'a', 'b-c'));
    });

    it('keeps dash and underscore apart', () => {
      expect(tenantDatabase('p', 'a_b', 'c')).not.toBe(tenantDatabase('p', 'a-b', 'c'));
    });

    it('hex-encodes other ids', () => {
      expect(encodeNamePart("a'b")).toBe('X612762');
      expect(encodeNamePart('x61')).toBe('x61');
    });

    it.each([
      ['darmstadt', 'onprem-darz'],
      ['heag-mobilo', 'de'],
      ['a--b', 'eu'],
      ['trailing-', '-leading'],
      ["x'; DROP DATABASE y; --", 'de'],
      ['Upper Case', 'ümlaut'],
      ['a_b', 'c__d'],
      ['new\nline', 'back\\slash'],
    ])('round-trips tenant %j and profile %j', (tenant, profile) => {
      const database = tenantDatabase('stadtdaten', tenant, profile);

      expect(parseTenantDatabase('stadtdaten', database)).toEqual({ tenant, profile });
      expect(database).toMatch(/^[A-Za-z0-9_]+$/);
    });

    it('ignores foreign databases', () => {
      expect(parseTenantDatabase('stadtdaten', '_internal')).toBeUndefined();
      expect(parseTenantDatabase('stadtdaten', 'stadtdaten_darmstadt')).toBeUndefined();
      expect(parseTenantDatabase('stadtdaten', 'stadtdaten_Xzz__de')).toBeUndefined();
      expect(parseTenantDatabase('stadtdaten', 'other_darmstadt__de')).toBeUndefined();
    });

    it('rejects parts it cannot have made', () => {
      expect(decodeNamePart('_a')).toBeUndefined();
      expect(decodeNamePart('X6')).toBeUndefined();
    });
  });

  it('names retention policies by days', () => {
    expect(retentionPolicyName(30)).toBe('rp_30d');
  });
});

import { parseAnalyticsDefinition } from '../definition/analytics-definition.loader';
import type { QualityJobDefinition } from '../definition/analytics-file.schema';
import { QualityRuleResolver } from './quality-rule.resolver';

function makeResolver(parameters: object): QualityRuleResolver {
  const [job] = parseAnalyticsDefinition({ jobs: [{ name: 'quality', kind: 'quality', parameters }] }, 'test').jobs;

  return new QualityRuleResolver(job as QualityJobDefinition);
}

const subject = { tenant: 'darmstadt', deviceTypeId: 'garage', deviceId: 'park-1', datastreamId: 'park-1.free_spaces', observedProperty: 'free_parking_spaces' };

describe(QualityRuleResolver.name, () => {
  it('applies job parameters over the defaults', () => {
    const sut = makeResolver({ staleAfter: '30m' });

    expect(sut.rulesFor(subject).staleAfterMs).toBe(1_800_000);
    expect(sut.rulesFor(subject).spikeThreshold).toBe(8);
  });

  it('applies matching overrides in order', () => {
    const sut = makeResolver({
      overrides: [
        { match: { observedProperties: ['free_parking_spaces'] }, range: { min: 0 }, staleFactor: 5 },
        { match: { devices: ['park-*'] }, staleFactor: 6 },
        { match: { tenants: ['kassel'] }, staleFactor: 9 },
      ],
    });

    expect(sut.rulesFor(subject)).toMatchObject({ range: { min: 0 }, staleFactor: 6 });
  });

  it('skips datastream overrides for device rules', () => {
    const sut = makeResolver({ overrides: [{ match: { datastreams: ['*'] }, maxRejectionRate: 0.5 }] });

    expect(sut.rulesFor({ tenant: 'darmstadt', deviceTypeId: 'garage', deviceId: 'park-1' }).maxRejectionRate).toBe(0.1);
  });
});

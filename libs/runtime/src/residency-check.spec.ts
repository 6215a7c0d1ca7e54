import { openRegistry, type RegistryService } from '@stadtdaten/registry';
import { checkStorageProfiles } from './residency-check';

describe('checkStorageProfiles', () => {
  let registry: RegistryService;

  beforeAll(async () => {
    registry = await openRegistry({ type: 'sqlite', path: ':memory:' });
    await registry.applyCatalog({
      tenants: [{ id: 'darmstadt', name: 'Darmstadt', storageProfile: 'de' }],
      observedProperties: [{ id: 'fill_level', name: 'Füllstand', definition: 'urn:x:fill' }],
      deviceTypes: [
        {
          id: 'glass',
          tenant: 'darmstadt',
          name: 'Glass',
          payloadFormat: 'json',
          fields: [{ field: 'fill', observedProperty: 'fill_level', unit: '%', type: 'number' }],
        },
      ],
      things: [{ tenant: 'darmstadt', id: 'c1', name: 'C1', useCase: 'waste', location: { type: 'Point', coordinates: [8.65, 49.87] } }],
      devices: [
        { tenant: 'darmstadt', id: 'g1', type: 'glass', thing: 'c1' },
        { tenant: 'darmstadt', id: 'g2', type: 'glass', thing: 'c1', storageProfile: 'onprem-darz' },
      ],
    });
  });

  afterAll(() => registry.close());

  it('passes when every profile is provided', async () => {
    await expect(checkStorageProfiles(registry, ['onprem-darz', 'de', 'eu'])).resolves.toBeUndefined();
  });

  it('names the datastream whose profile is missing', async () => {
    await expect(checkStorageProfiles(registry, ['de', 'eu'])).rejects.toThrow(
      'this deployment provides the storage profiles de, eu, but the registry names others: datastream darmstadt/g2.fill (onprem-darz)',
    );
  });

  it('names the tenant whose profile is missing', async () => {
    await expect(checkStorageProfiles(registry, ['onprem-darz'])).rejects.toThrow('tenant darmstadt (de)');
  });
});

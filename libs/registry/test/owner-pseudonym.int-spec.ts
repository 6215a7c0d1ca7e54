import { FixedClock } from '@stadtdaten/contracts';
import { KeyEncryptionKey, Pseudonymizer, SqliteTenantKeyRepository, TenantKeys } from '@stadtdaten/keys';
import { openRegistry, type RegistryService } from '@stadtdaten/registry';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCatalog } from './registry-fixtures';

const OWNER = 'hausverwaltung.mueller@example.org';

describe('device owner pseudonyms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-owner-'));
  let keys: TenantKeys;
  let registry: RegistryService;
  let pseudonymizer: Pseudonymizer;

  beforeAll(async () => {
    keys = new TenantKeys(new SqliteTenantKeyRepository(join(dir, 'keys.sqlite')), KeyEncryptionKey.fromBytes(randomBytes(32)), new FixedClock(0));
    pseudonymizer = new Pseudonymizer(keys);
    registry = await openRegistry({ type: 'sqlite', path: join(dir, 'registry.sqlite'), pseudonymize: (tenant, id) => pseudonymizer.pseudonym(tenant, id) });
  });

  afterAll(async () => {
    await registry.close();
    await keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the pseudonym and never the clear id', async () => {
    const catalog = makeCatalog() as { devices: Record<string, unknown>[] };
    catalog.devices[0] = { ...catalog.devices[0], owner: OWNER };
    const result = await registry.applyCatalog(catalog);
    const device = (await registry.listDevices('darmstadt')).find((entry) => entry.id === catalog.devices[0]!.id);
    const expected = await pseudonymizer.pseudonym('darmstadt', OWNER);

    expect(device?.ownerPseudonym).toBe(expected);
    expect((await registry.getDeviceContext('darmstadt', device!.id))?.ownerPseudonym).toBe(expected);
    expect(JSON.stringify(result)).not.toContain(OWNER);
    await registry.close();
    for (const file of readdirSync(dir)) {
      expect(readFileSync(join(dir, file)).includes(OWNER)).toBe(false);
    }
    registry = await openRegistry({ type: 'sqlite', path: join(dir, 'registry.sqlite'), pseudonymize: (tenant, id) => pseudonymizer.pseudonym(tenant, id) });
  });

  it('applying the same owner again changes nothing', async () => {
    const catalog = makeCatalog() as { devices: Record<string, unknown>[] };
    catalog.devices[0] = { ...catalog.devices[0], owner: OWNER };
    expect((await registry.applyCatalog(catalog)).updated).toBe(0);
  });

  it('a registry without pseudonymizer rejects clear owners', async () => {
    const plain = await openRegistry({ type: 'sqlite', path: ':memory:' });
    const catalog = makeCatalog() as { devices: Record<string, unknown>[] };
    catalog.devices[0] = { ...catalog.devices[0], owner: OWNER };
    const error = await plain.applyCatalog(catalog).catch((caught: Error) => caught);
    expect((error as Error).message).toContain('owner ids are replaced by pseudonyms before they are stored');
    expect((error as Error).message).not.toContain(OWNER);
    catalog.devices[0] = { ...catalog.devices[0], owner: undefined, ownerPseudonym: OWNER };
    const wrongPseudonym = await plain.applyCatalog(catalog).catch((caught: Error) => caught);
    expect((wrongPseudonym as Error).message).toContain('invalid owner pseudonym');
    expect((wrongPseudonym as Error).message).not.toContain(OWNER);
    await plain.close();
  });
});

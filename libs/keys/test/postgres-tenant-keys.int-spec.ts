import { PostgresTenantKeyRepository } from '../src';
import { tenantKeysContract } from './tenant-keys.contract';

const url = process.env.STADTDATEN_POSTGRES_URL;
const schema = `keys_test_${process.pid}`;

if (url === undefined) {
  describe.skip('PostgresTenantKeyRepository: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services', () => {
    it('skipped', () => undefined);
  });
} else {
  tenantKeysContract('PostgresTenantKeyRepository', async () => new PostgresTenantKeyRepository({ connectionString: url, schema }));

  afterAll(async () => {
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: url });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
}

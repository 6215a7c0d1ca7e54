import { PostgresSignatureStore } from '../src';
import { signatureStoreContract } from './signature-store.contract';

const url = process.env.STADTDATEN_POSTGRES_URL;
const schema = `integrity_test_${process.pid}`;

if (url === undefined) {
  describe.skip('PostgresSignatureStore: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services', () => {
    it('skipped', () => undefined);
  });
} else {
  signatureStoreContract('PostgresSignatureStore', async () => {
    const store = new PostgresSignatureStore({ url, schema });
    await store.connect();

    return store;
  });

  afterAll(async () => {
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: url });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, ROLES, type Role, isTenantId } from '@stadtdaten/contracts';
import {
  type JWK,
  type KeyLike,
  SignJWT,
  exportJWK,
  generateKeyPair,
  importJWK,
  calculateJwkThumbprint,
} from 'jose';
import { TOKEN_AUDIENCE } from './claims';

export const BUILTIN_ISSUER = 'urn:stadtdaten:builtin-issuer';

export interface IssueOptions {
  tenant: string;
  roles: Role[];
  subject: string;
  /** Lifetime in seconds; defaults to one hour. */
  ttlSeconds?: number;
}

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The embedded identity provider: signs tokens with the claims layout Keycloak supplies in
 * production (RS256, tenant claim, realm roles). The key pair lives in
 * `<dataDir>/keys/issuer.jwk.json` with mode 0600 and is created on first use.
 */
export class BuiltinIssuer {
  private constructor(
    private readonly privateKey: KeyLike | Uint8Array,
    readonly publicJwk: JWK,
  ) {}

  static async open(dataDir: string): Promise<BuiltinIssuer> {
    const file = join(dataDir, 'keys', 'issuer.jwk.json');
    const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredKey) : await createKey(file);
    const privateKey = await importJWK(stored.privateJwk, 'RS256');

    return new BuiltinIssuer(privateKey, stored.publicJwk);
  }

  async issue(options: IssueOptions): Promise<string> {
    if (!isTenantId(options.tenant)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `invalid tenant "${options.tenant}": use lower-case letters, digits and dashes, starting with a letter`,
      );
    }
    const unknown = options.roles.filter((role) => !(ROLES as readonly string[]).includes(role));
    if (unknown.length > 0) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `unknown role "${unknown.join('", "')}": use one of ${ROLES.join(', ')}`,
      );
    }

    return new SignJWT({
      tenant: options.tenant,
      realm_access: { roles: options.roles },
      preferred_username: options.subject,
      typ: 'Bearer',
      azp: 'stadtdaten-cli',
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid, typ: 'JWT' })
      .setIssuer(BUILTIN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(options.subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${options.ttlSeconds ?? 3600}s`)
      .sign(this.privateKey);
  }
}

async function createKey(file: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const stored: StoredKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process on the same data folder created the key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
    }
    throw error;
  }

  return stored;
}

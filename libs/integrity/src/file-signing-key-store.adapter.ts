import {
  type JsonWebKey,
  type KeyObject,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock } from '@stadtdaten/contracts';
import {
  type Ed25519PublicJwk,
  type JsonWebKeySet,
  type PublishedJwk,
  ed25519Thumbprint,
  requireVerificationJwks,
  toEd25519PublicJwk,
} from './ed25519-jwk';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { type SigningKey, SigningKeyStore } from './signing-key-store.port';

/** File that lists every key and names the active one. It contains public data only. */
export const KEYRING_FILE = 'keyring.json';

interface KeyringEntry {
  publicJwk: Ed25519PublicJwk;
  /** UTC epoch milliseconds. */
  createdAtMs: number;
  /** UTC epoch milliseconds when a newer key became active. Absent for the active key. */
  retiredAtMs?: number;
  /** True for a public key of another signer, which never has a private key here. */
  verificationOnly?: true;
}

interface Keyring {
  activeKeyId: string;
  keys: KeyringEntry[];
}

/**
 * Keeps signing keys in a directory (mode 0700), for the embedded platform: `keyring.json`
 * lists the public keys and names the active one, and `<kid>.private.jwk.json` (mode 0600)
 * contains the private JWK of the active key. `rotate()` deletes the private key of the key it
 * retires. The key id is the RFC 7638 thumbprint of the public key. Verification keys are
 * keyring entries without a private key file.
 */
export class FileSigningKeyStore extends SigningKeyStore {
  private readonly privateKeys = new Map<string, KeyObject>();
  private rotation: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Opens the store in `dir`, creating the directory and a first key when it has no keyring yet. */
  static async open(dir: string, clock: Clock = new Clock()): Promise<FileSigningKeyStore> {
    const store = new FileSigningKeyStore(dir, clock);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if ((await store.readKeyringIfPresent()) === undefined) {
      await store.createFirstKey();
    }

    return store;
  }

  // The keyring is read on every call, so a rotation by another process on the same directory takes effect.
  async activeKey(): Promise<SigningKey> {
    const keyring = await this.readKeyring();

    return this.signingKey(keyring.activeKeyId);
  }

  rotate(): Promise<SigningKey> {
    const next = this.rotation.then(() => this.rotateNow());
    this.rotation = next.catch(() => undefined);

    return next;
  }

  async jwks(): Promise<JsonWebKeySet<Ed25519PublicJwk>> {
    const keyring = await this.readKeyring();

    return { keys: keyring.keys.map((entry) => ({ ...entry.publicJwk })) };
  }

  // Serialised with rotations, so that neither replaces the keyring the other just wrote.
  async addVerificationKeys(keys: readonly PublishedJwk[]): Promise<string[]> {
    const checked = requireVerificationJwks(keys);
    const next = this.rotation.then(() => this.addVerificationKeysNow(checked));
    this.rotation = next.catch(() => undefined);

    return next;
  }

  private async addVerificationKeysNow(keys: Ed25519PublicJwk[]): Promise<string[]> {
    const keyring = await this.readKeyring();
    const published = new Set(keyring.keys.map((entry) => entry.publicJwk.kid));
    const added: KeyringEntry[] = [];
    for (const publicJwk of keys) {
      if (!published.has(publicJwk.kid)) {
        published.add(publicJwk.kid);
        added.push({ publicJwk, createdAtMs: this.clock.now(), verificationOnly: true });
      }
    }
    if (added.length > 0) {
      await this.replaceKeyring({ activeKeyId: keyring.activeKeyId, keys: [...keyring.keys, ...added] });
    }

    return added.map((entry) => entry.publicJwk.kid);
  }

  // NOTE: rotations are serialised within one process only. Two processes rotating the same
  // directory at once can each retire the other's new key.
  private async rotateNow(): Promise<SigningKey> {
    const keyring = await this.readKeyring();
    const nowMs = this.clock.now();
    const created = await this.writeNewKey(nowMs);
    const retiredKeyId = keyring.activeKeyId;
    const keys = keyring.keys.map((entry) =>
      entry.publicJwk.kid === retiredKeyId && entry.retiredAtMs === undefined
        ? { ...entry, retiredAtMs: nowMs }
        : entry,
    );
    await this.replaceKeyring({ activeKeyId: created.publicJwk.kid, keys: [...keys, created] });
    await rm(this.privateKeyFile(retiredKeyId), { force: true });
    this.privateKeys.delete(retiredKeyId);

    return this.signingKey(created.publicJwk.kid);
  }

  private async createFirstKey(): Promise<void> {
    const created = await this.writeNewKey(this.clock.now());
    const keyring: Keyring = { activeKeyId: created.publicJwk.kid, keys: [created] };
    const temporary = await this.writeTemporary(keyring);
    try {
      // link() fails when the keyring exists, so two processes opening a new directory keep one key.
      await link(temporary, this.keyringFile());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      await rm(this.privateKeyFile(created.publicJwk.kid), { force: true });
    } finally {
      await rm(temporary, { force: true });
    }
  }

  private async writeNewKey(createdAtMs: number): Promise<KeyringEntry> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicJwk = toEd25519PublicJwk(publicKey, '');
    const kid = ed25519Thumbprint(publicJwk.x);
    const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'EdDSA' };
    await writeFile(this.privateKeyFile(kid), JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
    this.privateKeys.set(kid, privateKey);

    return { publicJwk: { ...publicJwk, kid }, createdAtMs };
  }

  private async replaceKeyring(keyring: Keyring): Promise<void> {
    const temporary = await this.writeTemporary(keyring);
    await rename(temporary, this.keyringFile());
  }

  private async writeTemporary(keyring: Keyring): Promise<string> {
    const file = join(this.dir, `${KEYRING_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(file, `${JSON.stringify(keyring, null, 2)}\n`, { mode: 0o644, flag: 'wx' });

    return file;
  }

  private async signingKey(keyId: string): Promise<SigningKey> {
    const privateKey = await this.loadPrivateKey(keyId);

    return {
      keyId,
      sign: (data: Uint8Array) => Promise.resolve(sign(null, data, privateKey)),
    };
  }

  private async loadPrivateKey(keyId: string): Promise<KeyObject> {
    const cached = this.privateKeys.get(keyId);
    if (cached) {
      return cached;
    }
    const file = this.privateKeyFile(keyId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new IntegrityError(
        IntegrityErrorCode.SIGNING_KEY_MISSING,
        `private key file ${file} of the active key "${keyId}" cannot be read: restore it from a backup, or move the directory away to start a new keyring`,
        { cause: error },
      );
    }
    const privateKey = importPrivateJwk(parseJson(text, file), file);
    this.privateKeys.set(keyId, privateKey);

    return privateKey;
  }

  private async readKeyring(): Promise<Keyring> {
    const keyring = await this.readKeyringIfPresent();
    if (keyring === undefined) {
      throw new IntegrityError(
        IntegrityErrorCode.INVALID_KEY_STORE,
        `${this.keyringFile()} is missing: restore it from a backup, or reopen the store to start a new keyring`,
      );
    }

    return keyring;
  }

  private async readKeyringIfPresent(): Promise<Keyring | undefined> {
    const file = this.keyringFile();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }

    return checkKeyring(parseJson(text, file), file);
  }

  private keyringFile(): string {
    return join(this.dir, KEYRING_FILE);
  }

  private privateKeyFile(keyId: string): string {
    return join(this.dir, `${keyId}.private.jwk.json`);
  }
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_KEY_STORE,
      `${file} is not valid JSON: restore it from a backup`,
      {
        cause: error,
      },
    );
  }
}

function importPrivateJwk(jwk: Record<string, unknown>, file: string): KeyObject {
  try {
    return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_KEY_STORE,
      `${file} is not a private Ed25519 JWK: restore it from a backup`,
      { cause: error },
    );
  }
}

function checkKeyring(value: Record<string, unknown>, file: string): Keyring {
  const keys = value.keys;
  const valid =
    typeof value.activeKeyId === 'string' &&
    Array.isArray(keys) &&
    keys.every(
      (entry: KeyringEntry) =>
        typeof entry?.publicJwk?.kid === 'string' && typeof entry.publicJwk.x === 'string',
    ) &&
    keys.some(
      (entry: KeyringEntry) => entry.publicJwk.kid === value.activeKeyId && entry.verificationOnly !== true,
    );
  if (!valid) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_KEY_STORE,
      `${file} does not list its active key with a public JWK, or names a verification key as active: restore it from a backup`,
    );
  }

  return value as unknown as Keyring;
}

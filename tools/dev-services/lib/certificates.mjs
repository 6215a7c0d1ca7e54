// Test certificates made with openssl: one CA per state folder, server certificates for
// 127.0.0.1, ::1 and localhost, and client certificates whose CN is the MQTT username
// (mosquitto's use_identity_as_username). Keys are EC P-256 in PKCS#8 files.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { runCommand } from './processes.mjs';

const ORGANIZATION = 'stadtdaten dev-services';
const CA_DAYS = '3650';
const LEAF_DAYS = '825';

const OPENSSL_CONFIG = `# Extensions for the test certificates of tools/dev-services.
[req]
distinguished_name = subject
prompt = no
[subject]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
[server_client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
`;

const OPENSSL_FIX = 'install OpenSSL (Debian: apt-get install openssl)';

/** Files of the CA and the server certificate in `certsDir`. */
export function certificateFiles(certsDir) {
  return {
    opensslConfig: join(certsDir, 'openssl.cnf'),
    caCert: join(certsDir, 'ca.crt'),
    caKey: join(certsDir, 'ca.key'),
    serverCert: join(certsDir, 'server.crt'),
    serverKey: join(certsDir, 'server.key'),
  };
}

// In -subj, "/" separates attributes, so a "/" inside the CN is escaped.
function subject(commonName) {
  return `/O=${ORGANIZATION}/CN=${commonName.replaceAll('/', '\\/')}`;
}

// A random positive 128-bit serial number, because RFC 5280 recommends unpredictable serials.
function serialNumber() {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;

  return `0x${bytes.toString('hex')}`;
}

/** Creates the CA in `certsDir` unless it exists. Returns true if it was created. */
export async function ensureCertificateAuthority(certsDir) {
  const files = certificateFiles(certsDir);
  mkdirSync(certsDir, { recursive: true, mode: 0o755 });
  writeFileSync(files.opensslConfig, OPENSSL_CONFIG);
  if (existsSync(files.caCert) && existsSync(files.caKey)) {
    return false;
  }

  await runCommand(
    'openssl',
    [
      'req',
      '-config',
      files.opensslConfig,
      '-x509',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      files.caKey,
      '-out',
      files.caCert,
      '-days',
      CA_DAYS,
      '-extensions',
      'ca_ext',
      '-subj',
      subject('stadtdaten dev-services test CA'),
    ],
    { missingFix: OPENSSL_FIX },
  );

  return true;
}

/**
 * Issues `<basePath>.crt` and `<basePath>.key` for `commonName`, signed by the CA in
 * `certsDir`, unless the certificate exists. `extension` is server_ext, server_client_ext
 * (a server that also authenticates as a TLS client, as the Kafka broker does) or client_ext.
 * Returns true if it was created. The key file gets mode 0600.
 */
export async function ensureLeafCertificate(certsDir, basePath, commonName, extension) {
  const files = certificateFiles(certsDir);
  const certFile = `${basePath}.crt`;
  const keyFile = `${basePath}.key`;
  const requestFile = `${basePath}.csr`;
  if (existsSync(certFile) && existsSync(keyFile)) {
    return false;
  }

  mkdirSync(dirname(basePath), { recursive: true, mode: 0o755 });
  await runCommand(
    'openssl',
    [
      'req',
      '-config',
      files.opensslConfig,
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      requestFile,
      '-subj',
      subject(commonName),
    ],
    { missingFix: OPENSSL_FIX },
  );
  await runCommand(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      requestFile,
      '-CA',
      files.caCert,
      '-CAkey',
      files.caKey,
      '-set_serial',
      serialNumber(),
      '-days',
      LEAF_DAYS,
      '-extfile',
      files.opensslConfig,
      '-extensions',
      extension,
      '-out',
      certFile,
    ],
    { missingFix: OPENSSL_FIX },
  );
  rmSync(requestFile, { force: true });

  return true;
}

// The dev CA and the server certificates it signs. Each server gets a certificate and key of
// its own under <state>/<service>/tls/, because PostgreSQL and InfluxDB read their key as their
// own system user, and each needs its own owner and mode on the key file.
import { chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';

import { certificateFiles, ensureCertificateAuthority, ensureLeafCertificate } from './certificates.mjs';
import { logText } from './messages.mjs';

/**
 * Name under which the server certificate for the platform's own HTTPS listeners lies
 * (<state>/platform/tls/), so tests can run the services with TLS.
 */
export const PLATFORM_CERTIFICATE = 'platform';

/**
 * Folder of the dev CA. It lies in Mosquitto's folder because Mosquitto was the first server
 * with TLS, and the device certificates issued there stay valid.
 */
export function devCaDirectory(paths) {
  return join(paths.service('mosquitto'), 'certs');
}

/** Returns the file of the dev CA's certificate, which every client needs to trust the servers. */
export function devCaFile(paths) {
  return certificateFiles(devCaDirectory(paths)).caCert;
}

/** Creates the dev CA unless it exists. */
export async function ensureDevCa(paths) {
  const dir = devCaDirectory(paths);
  if (await ensureCertificateAuthority(dir)) {
    logText(undefined, {
      de: `Test-CA erzeugt: ${certificateFiles(dir).caCert}`,
      en: `created test CA ${certificateFiles(dir).caCert}`,
    });
  }
}

/** Files of a server's certificate: `cert`, `key` and the dev CA's certificate `ca`. */
export function serverCertificateFiles(paths, service) {
  const dir = join(paths.service(service), 'tls');

  return { dir, cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: devCaFile(paths) };
}

/**
 * Issues the server certificate of `service` (SAN 127.0.0.1, ::1, localhost) with the CN
 * `commonName`, unless it exists. With `clientAuth` the certificate also serves as a TLS
 * client certificate.
 */
export async function ensureServerCertificate(paths, service, { commonName = service, clientAuth = false } = {}) {
  await ensureDevCa(paths);
  const files = serverCertificateFiles(paths, service);
  const created = await ensureLeafCertificate(
    devCaDirectory(paths),
    join(files.dir, 'server'),
    commonName,
    clientAuth ? 'server_client_ext' : 'server_ext',
  );
  if (created) {
    logText(service, { de: `Server-Zertifikat erzeugt: ${files.cert}`, en: `created server certificate ${files.cert}` });
  }

  return files;
}

/** Lets a server that runs as the system user `user` read its key: owner `user`, mode 0600. */
export function grantKeyAccess(files, user) {
  if (user === undefined) {
    return;
  }
  chownSync(files.dir, user.uid, user.gid);
  chownSync(files.key, user.uid, user.gid);
  chmodSync(files.key, 0o600);
}

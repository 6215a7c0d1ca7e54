import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of a throw-away certificate authority with one server and one client certificate. */
export interface TestPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const SERVER_EXTENSIONS = 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
const CLIENT_EXTENSIONS = 'extendedKeyUsage=clientAuth\n';

/**
 * Makes a CA, a server certificate for 127.0.0.1/::1/localhost and a client certificate with
 * the given common name in `dir`, with openssl (EC P-256 keys, valid for one day). Tests
 * create these at run time so that no key is ever committed.
 */
export function createTestPki(dir: string, clientCommonName = 'test-client'): TestPki {
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const key = (file: string) => openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path(file)]);

  key('ca.key');
  openssl(['req', '-x509', '-new', '-key', path('ca.key'), '-subj', '/CN=stadtdaten test CA', '-days', '1', '-out', path('ca.crt')]);
  const issue = (name: string, subject: string, extensions: string) => {
    key(`${name}.key`);
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(['req', '-new', '-key', path(`${name}.key`), '-subj', subject, '-out', path(`${name}.csr`)]);
    openssl([
      'x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'),
      '-CAcreateserial', '-days', '1', '-extfile', path(`${name}.ext`), '-out', path(`${name}.crt`),
    ]);
  };
  issue('server', '/CN=localhost', SERVER_EXTENSIONS);
  issue('client', `/CN=${clientCommonName}`, CLIENT_EXTENSIONS);

  return {
    caCert: path('ca.crt'),
    caKey: path('ca.key'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
  };
}

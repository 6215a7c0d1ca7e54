// The public Mosquitto for SensorThings messages, apart from the platform's Mosquitto. The
// query API publishes there with a client certificate, and anyone may subscribe without one.
// It is a second broker because Mosquitto 2.0.11 shares client ids across listeners: an
// anonymous client that sends the client id of a connected device would close the device's
// connection and take over its session. The same rules run in k8s/mosquitto-sensorthings.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureLeafCertificate } from '../lib/certificates.mjs';
import { DevServicesError } from '../lib/errors.mjs';
import { logStep, message } from '../lib/messages.mjs';
import { isRoot, spawnDetached, systemUser } from '../lib/processes.mjs';
import { mqttTlsConnect } from '../lib/probes.mjs';
import { findProgram } from '../lib/system.mjs';
import { devCaDirectory, devCaFile, ensureServerCertificate, grantKeyAccess } from '../lib/tls.mjs';
import { SENSORTHINGS_USERNAME } from './mosquitto.mjs';

const NAME = 'mosquitto-sensorthings';
const HOST = '127.0.0.1';
/** Listener for subscribers: TLS without client certificate, anonymous, read-only below v1.1/. */
const PUBLIC_PORT = 18884;
/** Listener for the query API: TLS with a client certificate of the dev CA. */
const CERTIFICATE_PORT = 18885;

export function mosquittoSensorThingsFiles(paths) {
  const dir = paths.service(NAME);

  return {
    dir,
    config: join(dir, 'mosquitto.conf'),
    acl: join(dir, 'acl'),
    publicAcl: join(dir, 'acl-public'),
    caCert: devCaFile(paths),
    // The query API's client certificate lies beside the other client certificates of the dev CA.
    publisherBase: join(devCaDirectory(paths), SENSORTHINGS_USERNAME),
  };
}

const ACL = `# Written by tools/dev-services at every "up"; edit the script, not this file.
# ACL of the listener with client certificates. The username is the certificate's CN
# (use_identity_as_username). The query API publishes new observations of public
# datastreams as SensorThings messages.
user ${SENSORTHINGS_USERNAME}
topic write v1.1/#
`;

const PUBLIC_ACL = `# Written by tools/dev-services at every "up"; edit the script, not this file.
# ACL of the listener without client certificates. Its clients are anonymous, or send a user
# name that no password checks, so no rule names a user: every client may read the
# SensorThings topics and nothing else, and may publish nowhere.
pattern read v1.1/#
`;

function mosquittoConfig(files, tls) {
  return `# Written by tools/dev-services at every "up"; edit the script, not this file.
# allow_anonymous and acl_file apply to the listener above which they stand.
per_listener_settings true
# Messages are QoS 0 and never retained, so a restart loses nothing worth keeping.
persistence false
# A client that sends a larger packet is disconnected, as by the platform's Mosquitto.
max_packet_size 16777216
log_dest stdout
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
log_timestamp_format %Y-%m-%dT%H:%M:%S

# The query API: client certificate of the dev CA required.
listener ${CERTIFICATE_PORT} ${HOST}
allow_anonymous false
acl_file ${files.acl}
cafile ${files.caCert}
certfile ${tls.cert}
keyfile ${tls.key}
require_certificate true
use_identity_as_username true
tls_version tlsv1.2

# Subscribers, e.g. citizens' apps: no client certificate, read-only below v1.1/.
listener ${PUBLIC_PORT} ${HOST}
allow_anonymous true
acl_file ${files.publicAcl}
certfile ${tls.cert}
keyfile ${tls.key}
require_certificate false
tls_version tlsv1.2
`;
}

/** Creates the broker's server certificate and the query API's client certificate where missing. */
async function ensureCertificates(paths) {
  const files = mosquittoSensorThingsFiles(paths);
  const tls = await ensureServerCertificate(paths, NAME, { commonName: 'localhost' });
  await ensureLeafCertificate(
    devCaDirectory(paths),
    files.publisherBase,
    SENSORTHINGS_USERNAME,
    'client_ext',
  );

  return { files, tls };
}

// Mosquitto started as root drops to the user "mosquitto" and then reads its key.
async function brokerUser() {
  if (!isRoot()) {
    return undefined;
  }
  const user = await systemUser('mosquitto');
  if (user === undefined) {
    throw new DevServicesError(
      'MOSQUITTO_USER_MISSING',
      message(
        'commandMissing',
        'mosquitto (user)',
        'reinstall the Debian package: apt-get install --reinstall mosquitto',
      ),
    );
  }

  return user;
}

export const mosquittoSensorThings = {
  name: NAME,
  address: `${HOST}:${PUBLIC_PORT}`,
  certificateAddress: `${HOST}:${CERTIFICATE_PORT}`,
  detail: `mqtts without client certificate, read-only below v1.1/; query API ${HOST}:${CERTIFICATE_PORT}`,
  ports: [PUBLIC_PORT, CERTIFICATE_PORT],
  readyTimeoutMs: 30_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 15_000 },

  missingPackages: () => (findProgram('mosquitto') ? [] : ['mosquitto']),

  marker: (paths) => mosquittoSensorThingsFiles(paths).config,

  async prepare(context) {
    const { files, tls } = await ensureCertificates(context.paths);
    mkdirSync(files.dir, { recursive: true });
    logStep(NAME, 'writeConfig', files.config);
    writeFileSync(files.acl, ACL);
    writeFileSync(files.publicAcl, PUBLIC_ACL);
    writeFileSync(files.config, mosquittoConfig(files, tls));
    grantKeyAccess(tls, await brokerUser());
  },

  start(context) {
    const files = mosquittoSensorThingsFiles(context.paths);

    return spawnDetached(findProgram('mosquitto'), ['-c', files.config], {
      cwd: files.dir,
      env: process.env,
      logFile: context.paths.logFile(NAME),
    });
  },

  // Connects to the certificate listener as the query API does.
  probe(context) {
    const files = mosquittoSensorThingsFiles(context.paths);

    return mqttTlsConnect(CERTIFICATE_PORT, {
      ca: readFileSync(files.caCert),
      cert: readFileSync(`${files.publisherBase}.crt`),
      key: readFileSync(`${files.publisherBase}.key`),
    });
  },
};

// Mosquitto with one TLS listener that requires a client certificate. The certificate's
// CN becomes the MQTT username, and the ACL file limits each username to its own topics.
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { certificateFiles, ensureLeafCertificate } from '../lib/certificates.mjs';
import { DevServicesError } from '../lib/errors.mjs';
import { logStep, message } from '../lib/messages.mjs';
import { isRoot, spawnDetached, systemUser } from '../lib/processes.mjs';
import { mqttTlsConnect } from '../lib/probes.mjs';
import { findProgram } from '../lib/system.mjs';
import { devCaDirectory, ensureDevCa } from '../lib/tls.mjs';

const HOST = '127.0.0.1';
const PORT = 18883;
/** MQTT username (certificate CN) of the platform's ingest gateway. */
export const GATEWAY_USERNAME = 'stadtdaten-gateway';
/** MQTT username (certificate CN) of the analytics service, which publishes quality messages. */
export const ANALYTICS_USERNAME = 'stadtdaten-analytics';
/** MQTT username (certificate CN) of the query API, which publishes SensorThings observation messages. */
export const SENSORTHINGS_USERNAME = 'stadtdaten-sensorthings';
const TENANT_ID = /^[a-z][a-z0-9-]{1,62}$/;
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;
/**
 * Device ids that equal a topic level of the platform's own messages below stadtdaten/<tenant>/
 * (RESERVED_DEVICE_IDS in libs/registry/src/vocabulary.ts): the pattern ACL below would let such
 * a device publish quality or status messages.
 */
const RESERVED_DEVICE_IDS = ['quality', 'status'];
const MAX_COMMON_NAME_LENGTH = 64;

export function mosquittoFiles(paths) {
  const dir = paths.service('mosquitto');
  const certs = devCaDirectory(paths);

  return {
    dir,
    config: join(dir, 'mosquitto.conf'),
    acl: join(dir, 'acl'),
    data: join(dir, 'data'),
    certs,
    ...certificateFiles(certs),
    gatewayBase: join(certs, GATEWAY_USERNAME),
    analyticsBase: join(certs, ANALYTICS_USERNAME),
    deviceBase: (tenant, device) => join(certs, tenant, device),
  };
}

const ACL = `# Written by tools/dev-services at every "up"; edit the script, not this file.
# The username is the CN of the client certificate (use_identity_as_username).
# A device's CN is "<tenant>/<device>", so %u expands to "<tenant>/<device>": a device
# may publish and subscribe only below stadtdaten/<tenant>/<device>/, e.g.
# stadtdaten/darmstadt/sensor-1/up. It cannot reach another tenant, nor another device
# of its own tenant. The device ids quality and status are reserved (catalog and "cert"),
# because this rule would let them write the platform's quality and status topics.
pattern readwrite stadtdaten/%u/#

# Every client may read the SensorThings topics of new observations, because the query API
# publishes only public datastreams there.
pattern read v1.1/#

# The platform's ingest gateway reads every topic and publishes status and downlink topics.
user ${GATEWAY_USERNAME}
topic read #
topic write stadtdaten/+/status/#
topic write stadtdaten/+/+/down/#

# The analytics service publishes each device's data-quality status.
user ${ANALYTICS_USERNAME}
topic write stadtdaten/+/quality/#

# The query API publishes new observations of public datastreams as SensorThings messages.
user ${SENSORTHINGS_USERNAME}
topic write v1.1/#
`;

function mosquittoConfig(mosquitto) {
  return `# Written by tools/dev-services at every "up"; edit the script, not this file.
per_listener_settings false
allow_anonymous false
acl_file ${mosquitto.acl}
persistence true
persistence_location ${mosquitto.data}/
# QoS 1 messages wait here while the gateway falls behind; Mosquitto's default of 1,000
# queued messages per client would drop a burst after acknowledging it to the device.
max_queued_messages 1000000
max_queued_bytes 1073741824
max_inflight_messages 100
# A client that sends a larger packet is disconnected, as by the embedded broker.
max_packet_size 16777216
log_dest stdout
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
log_timestamp_format %Y-%m-%dT%H:%M:%S

listener ${PORT} ${HOST}
cafile ${mosquitto.caCert}
certfile ${mosquitto.serverCert}
keyfile ${mosquitto.serverKey}
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
`;
}

/** Validates tenant and device id, which must not be reserved, and returns the CN `<tenant>/<device>`. */
export function deviceCommonName(tenant, device) {
  if (!TENANT_ID.test(tenant ?? '')) {
    throw new DevServicesError('INVALID_TENANT', message('invalidTenant', tenant ?? ''));
  }
  if (!DEVICE_ID.test(device ?? '')) {
    throw new DevServicesError('INVALID_DEVICE', message('invalidDevice', device ?? ''));
  }
  if (RESERVED_DEVICE_IDS.includes(device)) {
    throw new DevServicesError('RESERVED_DEVICE', message('reservedDevice', device));
  }
  const commonName = `${tenant}/${device}`;
  if (commonName.length > MAX_COMMON_NAME_LENGTH) {
    throw new DevServicesError('COMMON_NAME_TOO_LONG', message('commonNameTooLong', commonName));
  }

  return commonName;
}

/** Creates the CA, the server certificate and the client certificates of gateway and analytics where missing. */
export async function ensureMosquittoCertificates(paths) {
  const mosquitto = mosquittoFiles(paths);
  await ensureDevCa(paths);
  await ensureLeafCertificate(mosquitto.certs, join(mosquitto.certs, 'server'), 'localhost', 'server_ext');
  await ensureLeafCertificate(mosquitto.certs, mosquitto.gatewayBase, GATEWAY_USERNAME, 'client_ext');
  await ensureLeafCertificate(mosquitto.certs, mosquitto.analyticsBase, ANALYTICS_USERNAME, 'client_ext');

  return mosquitto;
}

// Mosquitto started as root drops to the user "mosquitto" and then reads the key and
// writes its persistence file, so both must be reachable by that user.
async function grantBrokerAccess(mosquitto) {
  if (!isRoot()) {
    return;
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
  chownSync(mosquitto.serverKey, 0, user.gid);
  chmodSync(mosquitto.serverKey, 0o640);
  chownSync(mosquitto.data, user.uid, user.gid);
}

export const mosquitto = {
  name: 'mosquitto',
  address: `${HOST}:${PORT}`,
  detail: 'mqtts, client certificate required',
  ports: [PORT],
  readyTimeoutMs: 30_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 15_000 },

  missingPackages: () => (findProgram('mosquitto') ? [] : ['mosquitto']),

  marker: (paths) => mosquittoFiles(paths).config,

  async prepare(context) {
    const files = await ensureMosquittoCertificates(context.paths);
    mkdirSync(files.data, { recursive: true });
    logStep('mosquitto', 'writeConfig', files.config);
    writeFileSync(files.acl, ACL);
    writeFileSync(files.config, mosquittoConfig(files));
    await grantBrokerAccess(files);
  },

  // A broker started by an earlier `up` gets the client certificates that were added since.
  async configure(context) {
    await ensureMosquittoCertificates(context.paths);
  },

  start(context) {
    const files = mosquittoFiles(context.paths);

    return spawnDetached(findProgram('mosquitto'), ['-c', files.config], {
      cwd: files.dir,
      env: process.env,
      logFile: context.paths.logFile('mosquitto'),
    });
  },

  probe(context) {
    const files = mosquittoFiles(context.paths);

    return mqttTlsConnect(PORT, {
      ca: readFileSync(files.caCert),
      cert: readFileSync(`${files.gatewayBase}.crt`),
      key: readFileSync(`${files.gatewayBase}.key`),
    });
  },
};

// The environment variables with which the platform reaches the dev services, and the
// `cert` command that issues MQTT client certificates for devices.
import { ensureLeafCertificate } from './certificates.mjs';
import { DevServicesError } from './errors.mjs';
import { logStep, message } from './messages.mjs';
import { CONFIDENTIAL_CLIENTS, ensureStateDirectory, readSecrets, statePaths } from './state.mjs';
import { influxdb } from '../services/influxdb.mjs';
import { kafka } from '../services/kafka.mjs';
import { OIDC_ISSUER } from '../services/keycloak.mjs';
import {
  deviceCommonName,
  ensureMosquittoCertificates,
  mosquitto,
  mosquittoFiles,
} from '../services/mosquitto.mjs';
import { postgres } from '../services/postgres.mjs';

const OIDC_AUDIENCE = 'stadtdaten';

/** Returns the variables as an ordered object; fails before the first `up`. */
export function serviceEnvironment() {
  const paths = statePaths();
  const secrets = readSecrets(paths);
  if (secrets === undefined) {
    throw new DevServicesError('NOT_INITIALIZED', message('notInitialized', paths.root));
  }
  const mqtt = mosquittoFiles(paths);
  const database = (user, password) => `postgres://${user}:${password}@${postgres.address}/stadtdaten`;

  const variables = {
    STADTDATEN_KAFKA_BROKERS: kafka.address,
    STADTDATEN_MQTT_URL: `mqtts://${mosquitto.address}`,
    STADTDATEN_MQTT_CA_FILE: mqtt.caCert,
    STADTDATEN_MQTT_CERT_FILE: `${mqtt.gatewayBase}.crt`,
    STADTDATEN_MQTT_KEY_FILE: `${mqtt.gatewayBase}.key`,
    STADTDATEN_INFLUXDB_URL: `http://${influxdb.address}`,
    STADTDATEN_POSTGRES_URL: database('stadtdaten', secrets.postgresPassword),
    STADTDATEN_POSTGRES_PERSONAL_URL: database('stadtdaten_personal', secrets.postgresPersonalPassword),
    STADTDATEN_OIDC_ISSUER: OIDC_ISSUER,
    STADTDATEN_OIDC_AUDIENCE: OIDC_AUDIENCE,
  };
  for (const client of CONFIDENTIAL_CLIENTS) {
    variables[`STADTDATEN_OIDC_CLIENT_SECRET_${client.toUpperCase().replaceAll('-', '_')}`] =
      secrets.clientSecrets[client];
  }
  variables.STADTDATEN_KEYCLOAK_ADMIN_USERNAME = secrets.keycloakAdminUsername;
  variables.STADTDATEN_KEYCLOAK_ADMIN_PASSWORD = secrets.keycloakAdminPassword;

  return variables;
}

export function formatEnvironment(variables, json) {
  if (json) {
    return JSON.stringify(variables, null, 2);
  }

  return Object.entries(variables)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/**
 * Issues the client certificate of a device, with CN `<tenant>/<device>`, unless it exists.
 * Returns the paths of certificate, key and CA certificate.
 */
export async function issueDeviceCertificate(tenant, device) {
  const commonName = deviceCommonName(tenant, device);
  const paths = statePaths();
  ensureStateDirectory(paths);
  const files = await ensureMosquittoCertificates(paths);
  const base = files.deviceBase(tenant, device);

  const created = await ensureLeafCertificate(files.certs, base, commonName, 'client_ext');
  logStep('mosquitto', created ? 'certCreated' : 'certExists', `${base}.crt`);

  return { commonName, cert: `${base}.crt`, key: `${base}.key`, ca: files.caCert };
}

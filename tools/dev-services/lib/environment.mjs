// The environment variables with which the platform reaches the dev services, and the
// `cert` command that issues MQTT client certificates for devices.
import { ensureLeafCertificate } from './certificates.mjs';
import { DevServicesError } from './errors.mjs';
import { KAFKA_ADMIN_USER, KAFKA_PRINCIPALS, kafkaPasswordVariable } from './kafka-principals.mjs';
import { logStep, message } from './messages.mjs';
import { CONFIDENTIAL_CLIENTS, ensureStateDirectory, kekFile, readSecrets, statePaths } from './state.mjs';
import { PLATFORM_CERTIFICATE, devCaFile, serverCertificateFiles } from './tls.mjs';
import { influxdb } from '../services/influxdb.mjs';
import { kafka } from '../services/kafka.mjs';
import { OIDC_ISSUER } from '../services/keycloak.mjs';
import {
  deviceCommonName,
  ensureMosquittoCertificates,
  mosquitto,
  mosquittoFiles,
} from '../services/mosquitto.mjs';
import { mosquittoSensorThings, mosquittoSensorThingsFiles } from '../services/mosquitto-sensorthings.mjs';
import { postgres } from '../services/postgres.mjs';

const OIDC_AUDIENCE = 'stadtdaten';

// Keeps the slashes of a file path readable in a URL query; every other special character is encoded.
const queryPath = (path) => encodeURIComponent(path).replaceAll('%2F', '/');

function postgresUrl(user, password, caFile) {
  return `postgres://${user}:${password}@${postgres.address}/stadtdaten?sslmode=verify-full&sslrootcert=${queryPath(caFile)}`;
}

/** Returns the variables as an ordered object; fails before the first `up`. */
export function serviceEnvironment() {
  const paths = statePaths();
  const secrets = readSecrets(paths);
  if (secrets === undefined) {
    throw new DevServicesError('NOT_INITIALIZED', message('notInitialized', paths.root));
  }
  const mqtt = mosquittoFiles(paths);
  const sensorThingsMqtt = mosquittoSensorThingsFiles(paths);
  const ca = devCaFile(paths);
  const platformTls = serverCertificateFiles(paths, PLATFORM_CERTIFICATE);
  const kafkaPassword = (user) => secrets.kafkaPasswords?.[user] ?? '';

  const variables = {
    STADTDATEN_DEV_SERVICES_CA_FILE: ca,
    STADTDATEN_DEV_SERVICES_HTTP_CERT_FILE: platformTls.cert,
    STADTDATEN_DEV_SERVICES_HTTP_KEY_FILE: platformTls.key,
    STADTDATEN_DEV_SERVICES_KEK_FILE: kekFile(paths),
    STADTDATEN_DEV_SERVICES_MQTT_PUBLIC_URL: `mqtts://${mosquittoSensorThings.address}`,
    STADTDATEN_KAFKA_BROKERS: kafka.address,
    STADTDATEN_KAFKA_SSL_CA_FILE: ca,
    STADTDATEN_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    STADTDATEN_KAFKA_SASL_USERNAME: KAFKA_ADMIN_USER,
    STADTDATEN_KAFKA_SASL_PASSWORD: kafkaPassword(KAFKA_ADMIN_USER),
  };
  for (const principal of KAFKA_PRINCIPALS) {
    variables[kafkaPasswordVariable(principal.name)] = kafkaPassword(principal.name);
  }
  Object.assign(variables, {
    STADTDATEN_MQTT_URL: `mqtts://${mosquitto.address}`,
    STADTDATEN_MQTT_CA_FILE: mqtt.caCert,
    STADTDATEN_MQTT_CERT_FILE: `${mqtt.gatewayBase}.crt`,
    STADTDATEN_MQTT_KEY_FILE: `${mqtt.gatewayBase}.key`,
    STADTDATEN_ANALYTICS_MQTT_URL: `mqtts://${mosquitto.address}`,
    STADTDATEN_ANALYTICS_MQTT_CA_FILE: mqtt.caCert,
    STADTDATEN_ANALYTICS_MQTT_CERT_FILE: `${mqtt.analyticsBase}.crt`,
    STADTDATEN_ANALYTICS_MQTT_KEY_FILE: `${mqtt.analyticsBase}.key`,
    STADTDATEN_STA_MQTT_URL: `mqtts://${mosquittoSensorThings.certificateAddress}`,
    STADTDATEN_STA_MQTT_CA_FILE: sensorThingsMqtt.caCert,
    STADTDATEN_STA_MQTT_CERT_FILE: `${sensorThingsMqtt.publisherBase}.crt`,
    STADTDATEN_STA_MQTT_KEY_FILE: `${sensorThingsMqtt.publisherBase}.key`,
    STADTDATEN_INFLUXDB_URL: `https://${influxdb.address}`,
    STADTDATEN_INFLUXDB_CA_FILE: ca,
    STADTDATEN_POSTGRES_URL: postgresUrl('stadtdaten', secrets.postgresPassword, ca),
    STADTDATEN_POSTGRES_PERSONAL_URL: postgresUrl('stadtdaten_personal', secrets.postgresPersonalPassword, ca),
    STADTDATEN_OIDC_ISSUER: OIDC_ISSUER,
    STADTDATEN_OIDC_AUDIENCE: OIDC_AUDIENCE,
    STADTDATEN_OIDC_CA_FILE: ca,
  });
  for (const client of CONFIDENTIAL_CLIENTS) {
    variables[`STADTDATEN_OIDC_CLIENT_SECRET_${client.toUpperCase().replaceAll('-', '_')}`] =
      secrets.clientSecrets[client];
  }
  variables.STADTDATEN_KEYCLOAK_ADMIN_USERNAME = secrets.keycloakAdminUsername;
  variables.STADTDATEN_KEYCLOAK_ADMIN_PASSWORD = secrets.keycloakAdminPassword;

  return variables;
}

/**
 * Quotes a value for a POSIX shell where it contains more than letters, digits and `_./:@%+=,-`,
 * e.g. the `&` of a PostgreSQL URL, so that `. <(dev-services.mjs env)` assigns it whole.
 */
function shellValue(value) {
  const text = String(value);

  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export function formatEnvironment(variables, json) {
  if (json) {
    return JSON.stringify(variables, null, 2);
  }

  return Object.entries(variables)
    .map(([key, value]) => `${key}=${shellValue(value)}`)
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

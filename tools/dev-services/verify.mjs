#!/usr/bin/env node
// Checks the running dev services with the platform's own client libraries (kafkajs, mqtt,
// pg, undici): a round trip through each over TLS, the MQTT and Kafka tenant ACLs, that
// plaintext connections are rejected, and the claims of Keycloak tokens. Run it after
// `dev-services.mjs up`. It exits non-zero if a check fails.
// Usage: node tools/dev-services/verify.mjs
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';
import pg from 'pg';
import { Agent, fetch } from 'undici';

import { issueDeviceCertificate, serviceEnvironment } from './lib/environment.mjs';
import { OIDC_ISSUER } from './services/keycloak.mjs';

const CHECK_TIMEOUT_MS = 30_000;
const env = serviceEnvironment();
const runId = randomUUID().slice(0, 8);
const results = [];
const ca = readFileSync(env.STADTDATEN_DEV_SERVICES_CA_FILE);
// Every HTTPS request of this script trusts the dev CA, and only it.
const dispatcher = new Agent({ connect: { ca } });
const fetchTls = (url, init = {}) => fetch(url, { ...init, dispatcher });

function withTimeout(promise, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} timed out after ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function check(name, body) {
  try {
    await withTimeout(body(), name);
    results.push({ name, ok: true });
    process.stdout.write(`ok    ${name}\n`);
  } catch (error) {
    results.push({ name, ok: false });
    process.stdout.write(`FAIL  ${name}: ${error.message}\n`);
  }
}

function expect(condition, text) {
  if (!condition) {
    throw new Error(text);
  }
}

function kafkaClient(clientId, username, password, { tls = true } = {}) {
  return new Kafka({
    clientId,
    brokers: [env.STADTDATEN_KAFKA_BROKERS],
    ssl: tls ? { ca: [ca] } : false,
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    retry: { retries: 0 },
  });
}

const adminKafka = () =>
  kafkaClient('dev-services-verify', env.STADTDATEN_KAFKA_SASL_USERNAME, env.STADTDATEN_KAFKA_SASL_PASSWORD);

async function checkKafka() {
  const kafka = adminKafka();
  const topic = `dev-services-verify-${runId}`;
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `dev-services-verify-${runId}` });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    expect((await admin.listTopics()).includes(topic), `topic ${topic} missing after create`);

    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: runId }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = await new Promise((resolve) => {
      consumer.run({ eachMessage: async ({ message }) => resolve(message.value.toString()) });
    });
    expect(received === runId, `consumed "${received}", expected "${runId}"`);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Returns the error of `body`, or throws when it succeeds. */
async function failureOf(body, text) {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error(text);
}

async function checkKafkaTenantAcl() {
  const topics = ['darmstadt', 'heag'].map((tenant) => `stadtdaten.${tenant}.verify-${runId}`);
  const admin = adminKafka().admin();
  await admin.connect();
  const reader = kafkaClient(
    'dev-services-verify-reader',
    'tenant-darmstadt',
    env.STADTDATEN_KAFKA_SASL_PASSWORD_TENANT_DARMSTADT,
  ).admin();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    await reader.connect();
    const visible = await reader.listTopics();
    expect(visible.includes(topics[0]), `tenant-darmstadt does not see ${topics[0]}`);
    expect(!visible.some((topic) => topic.startsWith('stadtdaten.heag.')), 'tenant-darmstadt sees heag topics');
    const denied = await failureOf(
      () => reader.fetchTopicOffsets(topics[1]),
      `tenant-darmstadt read the offsets of ${topics[1]}`,
    );
    expect(/authoriz/i.test(denied.type ?? denied.message), `unexpected error: ${denied.message}`);
  } finally {
    await reader.disconnect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function checkKafkaRejects() {
  const wrongPassword = kafkaClient('dev-services-verify', 'validator', 'wrong').admin();
  const error = await failureOf(() => wrongPassword.connect(), 'a wrong SCRAM password was accepted');
  expect(/SASL|authentication/i.test(error.message), `unexpected error: ${error.message}`);
  const plaintext = kafkaClient('dev-services-verify', 'validator', 'wrong', { tls: false }).admin();
  await failureOf(() => plaintext.connect(), 'a plaintext connection to the SASL_SSL listener succeeded');
}

function connectMqtt(identity, clientId) {
  const client = mqtt.connect(env.STADTDATEN_MQTT_URL, {
    clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ca,
    ...(identity && { cert: readFileSync(identity.cert), key: readFileSync(identity.key) }),
  });

  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

// Resolves with the PUBACK reason code: 0 when accepted, 135 (not authorized) when the ACL denies it.
function publishReasonCode(client, topic, payload) {
  return new Promise((resolve) => {
    client.publish(topic, payload, { qos: 1 }, (error, packet) =>
      resolve(error ? (error.code ?? -1) : (packet?.reasonCode ?? 0)),
    );
  });
}

async function checkMosquitto() {
  const gatewayIdentity = { cert: env.STADTDATEN_MQTT_CERT_FILE, key: env.STADTDATEN_MQTT_KEY_FILE };
  const darmstadt = await issueDeviceCertificate('darmstadt', 'verify-device');
  const gateway = await connectMqtt(gatewayIdentity, `verify-gateway-${runId}`);
  const device = await connectMqtt(darmstadt, `verify-device-${runId}`);
  try {
    const seen = [];
    let onMessage;
    gateway.on('message', (topic, payload) => {
      seen.push(`${topic} ${payload}`);
      onMessage?.();
    });
    await gateway.subscribeAsync('stadtdaten/#', { qos: 1 });

    const own = 'stadtdaten/darmstadt/verify-device/up';
    const otherTenant = 'stadtdaten/heag/verify-device/up';
    const otherDevice = 'stadtdaten/darmstadt/another-device/up';
    expect(
      (await publishReasonCode(device, otherTenant, `denied-${runId}`)) === 135,
      `publish to ${otherTenant} was not denied`,
    );
    expect(
      (await publishReasonCode(device, otherDevice, `denied-${runId}`)) === 135,
      `publish to ${otherDevice} was not denied`,
    );

    // The own publish comes after the denied ones from the same client, so once the
    // gateway has it, a leaked denied message would already be in `seen`.
    const delivered = new Promise(
      (resolve) => (onMessage = () => seen.some((entry) => entry.startsWith(own)) && resolve()),
    );
    expect(
      (await publishReasonCode(device, own, `accepted-${runId}`)) === 0,
      `publish to ${own} was rejected`,
    );
    await delivered;
    expect(
      seen.length === 1 && seen[0] === `${own} accepted-${runId}`,
      `gateway received ${JSON.stringify(seen)}`,
    );
  } finally {
    await device.endAsync();
    await gateway.endAsync();
  }
}

async function checkMosquittoWithoutCertificate() {
  const rejected = await connectMqtt(undefined, `verify-anonymous-${runId}`).then(
    async (client) => {
      await client.endAsync();

      return false;
    },
    () => true,
  );
  expect(rejected, 'a client without certificate was accepted');
}

async function checkInfluxDb() {
  const ping = await fetchTls(`${env.STADTDATEN_INFLUXDB_URL}/ping`);
  expect(ping.status === 204, `/ping returned ${ping.status}`);
  const database = `dev_services_verify_${runId}`;
  const query = (q) =>
    fetchTls(`${env.STADTDATEN_INFLUXDB_URL}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q, db: database }),
    });
  try {
    expect((await query(`CREATE DATABASE ${database}`)).ok, 'CREATE DATABASE failed');
    const write = await fetchTls(`${env.STADTDATEN_INFLUXDB_URL}/write?db=${database}&precision=s`, {
      method: 'POST',
      body: 'air_temperature,station=verify value=21.5 1767225600',
    });
    expect(write.status === 204, `/write returned ${write.status}`);
    const body = await (await query('SELECT value FROM air_temperature')).json();
    const value = body.results?.[0]?.series?.[0]?.values?.[0]?.[1];
    expect(value === 21.5, `query returned ${JSON.stringify(body)}`);
  } finally {
    await query(`DROP DATABASE ${database}`);
  }
}

async function checkPostgres(url, expectedUser) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT current_user AS who, current_database() AS db, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    expect(
      rows[0].who === expectedUser && rows[0].db === 'stadtdaten' && rows[0].ssl === true,
      `connected as ${JSON.stringify(rows[0])}`,
    );
  } finally {
    await client.end();
  }
}

async function checkPostgresPlaintextRejected() {
  const url = new URL(env.STADTDATEN_POSTGRES_URL);
  url.search = '';
  const client = new pg.Client({ connectionString: url.toString(), ssl: false });
  const error = await failureOf(() => client.connect(), 'a plaintext PostgreSQL connection succeeded');
  await client.end().catch(() => undefined);
  expect(/no encryption|pg_hba/.test(error.message), `unexpected error: ${error.message}`);
}

// Go's TLS server (InfluxDB) responds to plain HTTP with 400, and Keycloak closes the connection.
async function checkPlainHttpRejected(name, url) {
  const response = await fetch(url.replace('https://', 'http://')).catch(() => undefined);
  expect(response === undefined || response.status === 400, `${name} answered plain HTTP with ${response?.status}`);
}

async function requestToken(form) {
  const response = await fetchTls(`${OIDC_ISSUER}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  });
  const body = await response.json();

  return { status: response.status, body };
}

function accessTokenClaims(body) {
  return JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString('utf8'));
}

async function checkUserToken(username, tenant, role) {
  const { status, body } = await requestToken({
    grant_type: 'password',
    client_id: 'stadtdaten-cli',
    username,
    password: `${username}-test-only`,
  });
  expect(status === 200, `token request returned ${status}: ${JSON.stringify(body)}`);
  const claims = accessTokenClaims(body);
  expect(claims.iss === OIDC_ISSUER, `iss is ${claims.iss}`);
  expect(claims.tenant === tenant, `tenant claim is ${claims.tenant}`);
  expect(
    claims.realm_access?.roles?.includes(role),
    `realm_access.roles is ${JSON.stringify(claims.realm_access)}`,
  );
  const audience = [claims.aud].flat();
  expect(audience.includes(env.STADTDATEN_OIDC_AUDIENCE), `aud is ${JSON.stringify(claims.aud)}`);
}

async function checkServiceToken() {
  const { status, body } = await requestToken({
    grant_type: 'client_credentials',
    client_id: 'ingest-gateway',
    client_secret: env.STADTDATEN_OIDC_CLIENT_SECRET_INGEST_GATEWAY,
  });
  expect(status === 200, `token request returned ${status}: ${JSON.stringify(body)}`);
  expect([accessTokenClaims(body).aud].flat().includes('stadtdaten'), 'aud lacks stadtdaten');

  const wrong = await requestToken({
    grant_type: 'client_credentials',
    client_id: 'ingest-gateway',
    client_secret: 'wrong',
  });
  expect(wrong.status === 401, `wrong secret returned ${wrong.status}`);
}

await check('kafka: create topic, produce, consume', checkKafka);
await check('kafka: tenant-darmstadt reads only stadtdaten.darmstadt.*', checkKafkaTenantAcl);
await check('kafka: wrong password and plaintext are rejected', checkKafkaRejects);
await check('mosquitto: device publishes only below its own topic', checkMosquitto);
await check('mosquitto: client without certificate is rejected', checkMosquittoWithoutCertificate);
await check('influxdb: ping, write, query', checkInfluxDb);
await check('influxdb: plain HTTP is rejected', () =>
  checkPlainHttpRejected('InfluxDB', `${env.STADTDATEN_INFLUXDB_URL}/ping`),
);
await check('postgres: login as stadtdaten', () => checkPostgres(env.STADTDATEN_POSTGRES_URL, 'stadtdaten'));
await check('postgres: connection without TLS is rejected', checkPostgresPlaintextRejected);
await check('postgres: login as stadtdaten_personal', () =>
  checkPostgres(env.STADTDATEN_POSTGRES_PERSONAL_URL, 'stadtdaten_personal'),
);
await check('keycloak: token of darmstadt-admin', () =>
  checkUserToken('darmstadt-admin', 'darmstadt', 'tenant-admin'),
);
await check('keycloak: token of heag-analyst', () => checkUserToken('heag-analyst', 'heag', 'analyst'));
await check('keycloak: client credentials of ingest-gateway', checkServiceToken);
await check('keycloak: plain HTTP is rejected', () =>
  checkPlainHttpRejected('Keycloak', `${OIDC_ISSUER}/.well-known/openid-configuration`),
);

const failed = results.filter((result) => !result.ok).length;
process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
await dispatcher.close();
process.exitCode = failed === 0 ? 0 : 1;

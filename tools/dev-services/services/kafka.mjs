// Apache Kafka in KRaft mode: one process that is broker and controller, jars from Maven
// Central, started with `java -cp '<libs>/*' kafka.Kafka server.properties`. Every listener
// uses TLS with a certificate of the dev CA: clients authenticate with SASL/SCRAM-SHA-512, the
// broker and the tools of this script with the broker's certificate, and the StandardAuthorizer
// checks the ACLs of lib/kafka-principals.mjs.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DevServicesError } from '../lib/errors.mjs';
import { KAFKA_BROKER_PRINCIPAL, KAFKA_PRINCIPALS, KAFKA_USERS } from '../lib/kafka-principals.mjs';
import { logStep, logText, message } from '../lib/messages.mjs';
import { runCommand, spawnDetached } from '../lib/processes.mjs';
import { kafkaApiVersions } from '../lib/probes.mjs';
import { javaMajorVersion, runMaven } from '../lib/system.mjs';
import { devCaFile, ensureServerCertificate } from '../lib/tls.mjs';
import {
  BROKER_PORT,
  CONTROLLER_PORT,
  HOST,
  INTERNAL_PORT,
  LOG4J_CONFIG,
  TOOL_LOG4J_CONFIG,
  adminClientProperties,
  serverProperties,
} from './kafka-config.mjs';

const KAFKA_VERSION = '4.4.0';
// Kafka logs through SLF4J 1.x but ships no binding. This binding routes it to the
// log4j-core version that kafka_2.13 4.4.0 depends on.
const LOG4J_VERSION = '2.25.5';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const MINIMUM_JAVA = 17;
const SECURITY_TOOL = resolve(import.meta.dirname, '..', 'kafka', 'KafkaSecurity.java');

function files(paths) {
  const dir = paths.service('kafka');

  return {
    dir,
    libs: join(dir, 'libs'),
    libsComplete: join(dir, 'libs', '.complete'),
    pom: join(paths.downloads, 'kafka', 'pom.xml'),
    config: join(dir, 'config', 'server.properties'),
    adminClient: join(dir, 'config', 'internal-admin.properties'),
    log4j: join(dir, 'config', 'log4j2.properties'),
    toolLog4j: join(dir, 'config', 'log4j2-tools.properties'),
    keystore: join(dir, 'tls', 'keystore.pem'),
    data: join(dir, 'data'),
    securityHash: join(dir, 'security.sha256'),
  };
}

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tools/dev-services: resolves the Kafka broker and its runtime dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>de.darmstadt.stadtdaten.dev</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
      <scope>runtime</scope>
    </dependency>
  </dependencies>
</project>
`;

/** Writes the broker's certificate and its key into one PEM file, as Kafka's PEM keystore takes them. */
async function writeKeystore(paths, kafkaFiles) {
  const tls = await ensureServerCertificate(paths, 'kafka', { commonName: KAFKA_BROKER_PRINCIPAL, clientAuth: true });
  const pem = [readFileSync(tls.key, 'utf8'), readFileSync(tls.cert, 'utf8')].join('');
  writeFileSync(kafkaFiles.keystore, pem, { mode: 0o600 });
}

/** Builds the plan of users and ACLs as KafkaSecurity.java reads it: one tab-separated entry per line. */
function securityPlan(secrets) {
  const lines = KAFKA_USERS.map((user) => `user\t${user}\t${secrets.kafkaPasswords[user]}`);
  for (const principal of KAFKA_PRINCIPALS) {
    for (const acl of principal.acls) {
      lines.push(['acl', principal.name, acl.resourceType, acl.patternType, acl.name, acl.operation].join('\t'));
    }
  }

  return `${lines.join('\n')}\n`;
}

function clusterIdOf(kafkaFiles) {
  try {
    return /^cluster\.id=(.+)$/m.exec(readFileSync(join(kafkaFiles.data, 'meta.properties'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Creates the SCRAM users and sets the ACLs, unless this plan was applied to this cluster
 * before: the marker file contains a hash of the plan, the tool and the cluster id.
 */
async function applySecurityPlan(context, kafkaFiles) {
  const plan = securityPlan(context.secrets);
  const hash = createHash('sha256')
    .update(plan)
    .update(readFileSync(SECURITY_TOOL))
    .update(clusterIdOf(kafkaFiles) ?? '')
    .digest('hex');
  if (existsSync(kafkaFiles.securityHash) && readFileSync(kafkaFiles.securityHash, 'utf8').trim() === hash) {
    logText('kafka', { de: 'SCRAM-Benutzer und ACLs unverändert', en: 'SCRAM users and ACLs unchanged' });

    return;
  }

  logText('kafka', {
    de: `lege ${KAFKA_USERS.length} SCRAM-Benutzer an und setze ihre ACLs`,
    en: `creating ${KAFKA_USERS.length} SCRAM users and setting their ACLs`,
  });
  context.java ??= await javaBinary();
  const { stdout: modules } = await runCommand(context.java, ['--list-modules'], { timeoutMs: 30_000 });
  if (!/^jdk\.compiler@/m.test(modules)) {
    throw new DevServicesError('JDK_MISSING', message('javaWithoutCompiler', context.java));
  }
  const { stdout } = await runCommand(
    context.java,
    [
      '-cp',
      join(kafkaFiles.libs, '*'),
      `-Dlog4j2.configurationFile=${kafkaFiles.toolLog4j}`,
      SECURITY_TOOL,
      kafkaFiles.adminClient,
    ],
    { input: plan, timeoutMs: 180_000 },
  );
  logText('kafka', { de: stdout.trim(), en: stdout.trim() });
  writeFileSync(kafkaFiles.securityHash, `${hash}\n`);
}

// Kafka cluster ids are 16 random bytes in URL-safe base64 without padding.
function clusterId() {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

async function javaBinary() {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const major = await javaMajorVersion(java);
  if (major < MINIMUM_JAVA) {
    throw new DevServicesError('JAVA_TOO_OLD', message('javaTooOld', major, MINIMUM_JAVA));
  }

  return java;
}

async function downloadLibraries(paths, kafkaFiles) {
  const artifact = `Kafka ${KAFKA_VERSION}`;
  if (
    existsSync(kafkaFiles.libsComplete) &&
    readFileSync(kafkaFiles.libsComplete, 'utf8').trim() === KAFKA_VERSION
  ) {
    logStep('kafka', 'cached', artifact);

    return;
  }

  logStep('kafka', 'download', artifact);
  rmSync(kafkaFiles.libs, { recursive: true, force: true });
  mkdirSync(join(paths.downloads, 'kafka'), { recursive: true });
  writeFileSync(kafkaFiles.pom, POM);
  await runMaven(paths, [
    '-f',
    kafkaFiles.pom,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${kafkaFiles.libs}`,
  ]);
  writeFileSync(kafkaFiles.libsComplete, `${KAFKA_VERSION}\n`);
}

export const kafka = {
  name: 'kafka',
  address: `${HOST}:${BROKER_PORT}`,
  detail: `SASL_SSL; controller ${HOST}:${CONTROLLER_PORT}, internal ${HOST}:${INTERNAL_PORT}`,
  ports: [BROKER_PORT, CONTROLLER_PORT, INTERNAL_PORT],
  readyTimeoutMs: 120_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 45_000 },

  missingPackages: () => [],

  marker: (paths) => files(paths).config,

  async prepare(context) {
    const kafkaFiles = files(context.paths);
    await downloadLibraries(context.paths, kafkaFiles);

    mkdirSync(join(kafkaFiles.dir, 'config'), { recursive: true });
    await writeKeystore(context.paths, kafkaFiles);
    logStep('kafka', 'writeConfig', kafkaFiles.config);
    writeFileSync(kafkaFiles.config, serverProperties(kafkaFiles, context.paths));
    writeFileSync(kafkaFiles.adminClient, adminClientProperties(kafkaFiles, context.paths));
    writeFileSync(kafkaFiles.log4j, LOG4J_CONFIG);
    writeFileSync(kafkaFiles.toolLog4j, TOOL_LOG4J_CONFIG);

    context.java = await javaBinary();
    if (!existsSync(join(kafkaFiles.data, 'meta.properties'))) {
      logText('kafka', {
        de: `formatiere ${kafkaFiles.data} (KRaft)`,
        en: `formatting ${kafkaFiles.data} (KRaft)`,
      });
      await runCommand(
        context.java,
        [
          '-cp',
          join(kafkaFiles.libs, '*'),
          `-Dlog4j2.configurationFile=${kafkaFiles.log4j}`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(),
          '-c',
          kafkaFiles.config,
        ],
        { timeoutMs: 120_000 },
      );
    }
  },

  start(context) {
    const kafkaFiles = files(context.paths);

    return spawnDetached(
      context.java,
      [
        '-Xmx512m',
        '-Xms128m',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${kafkaFiles.log4j}`,
        '-cp',
        join(kafkaFiles.libs, '*'),
        'kafka.Kafka',
        kafkaFiles.config,
      ],
      { cwd: kafkaFiles.dir, env: process.env, logFile: context.paths.logFile('kafka') },
    );
  },

  probe: (context) => kafkaApiVersions(BROKER_PORT, { ca: readFileSync(devCaFile(context.paths)) }),

  async configure(context) {
    await applySecurityPlan(context, files(context.paths));
  },
};

// Apache Kafka in KRaft mode: one process that is broker and controller, jars from Maven
// Central, started with `java -cp '<libs>/*' kafka.Kafka server.properties`.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DevServicesError } from '../lib/errors.mjs';
import { logStep, logText, message } from '../lib/messages.mjs';
import { runCommand, spawnDetached } from '../lib/processes.mjs';
import { kafkaApiVersions } from '../lib/probes.mjs';
import { javaMajorVersion, runMaven } from '../lib/system.mjs';

const KAFKA_VERSION = '4.4.0';
// Kafka logs through SLF4J 1.x but ships no binding. This binding routes it to the
// log4j-core version that kafka_2.13 4.4.0 depends on.
const LOG4J_VERSION = '2.25.5';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const HOST = '127.0.0.1';
const BROKER_PORT = 19092;
const CONTROLLER_PORT = 19093;
const MINIMUM_JAVA = 17;

function files(paths) {
  const dir = paths.service('kafka');

  return {
    dir,
    libs: join(dir, 'libs'),
    libsComplete: join(dir, 'libs', '.complete'),
    pom: join(paths.downloads, 'kafka', 'pom.xml'),
    config: join(dir, 'config', 'server.properties'),
    log4j: join(dir, 'config', 'log4j2.properties'),
    data: join(dir, 'data'),
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

const LOG4J_CONFIG = `# Written by tools/dev-services: Kafka logs to stdout, which goes to the log file.
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.controller.name = kafka.controller
logger.controller.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
`;

/**
 * Listeners of the node. PLAINTEXT only for now.
 * TODO: add a SASL_SSL listener (TLS with the test CA, SASL/OAUTHBEARER against the Keycloak
 * realm) and per-tenant ACLs here, and point advertised.listeners and the env output at it.
 */
function listeners() {
  return [
    { name: 'PLAINTEXT', protocol: 'PLAINTEXT', port: BROKER_PORT, advertised: true },
    { name: 'CONTROLLER', protocol: 'PLAINTEXT', port: CONTROLLER_PORT, advertised: false },
  ];
}

function serverProperties(kafkaFiles) {
  const all = listeners();
  const advertised = all.filter((listener) => listener.advertised);
  const lines = [
    '# Written by tools/dev-services at every "up"; edit the script, not this file.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listeners=${all.map((listener) => `${listener.name}://${HOST}:${listener.port}`).join(',')}`,
    `advertised.listeners=${advertised.map((listener) => `${listener.name}://${HOST}:${listener.port}`).join(',')}`,
    `listener.security.protocol.map=${all.map((listener) => `${listener.name}:${listener.protocol}`).join(',')}`,
    `log.dirs=${kafkaFiles.data}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    // A single node cannot hold more than one replica of the internal topics.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ];

  return `${lines.join('\n')}\n`;
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
  detail: `controller ${HOST}:${CONTROLLER_PORT}`,
  ports: [BROKER_PORT, CONTROLLER_PORT],
  readyTimeoutMs: 120_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 45_000 },

  missingPackages: () => [],

  marker: (paths) => files(paths).config,

  async prepare(context) {
    const kafkaFiles = files(context.paths);
    await downloadLibraries(context.paths, kafkaFiles);

    mkdirSync(join(kafkaFiles.dir, 'config'), { recursive: true });
    logStep('kafka', 'writeConfig', kafkaFiles.config);
    writeFileSync(kafkaFiles.config, serverProperties(kafkaFiles));
    writeFileSync(kafkaFiles.log4j, LOG4J_CONFIG);

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

  probe: () => kafkaApiVersions(BROKER_PORT),
};

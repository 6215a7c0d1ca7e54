// Configuration files of the dev-services Kafka: server.properties, the admin client settings
// of KafkaSecurity.java and the log4j settings.
import { KAFKA_ADMIN_USER, KAFKA_BROKER_PRINCIPAL } from '../lib/kafka-principals.mjs';
import { devCaFile } from '../lib/tls.mjs';

export const HOST = '127.0.0.1';
export const BROKER_PORT = 19092;
export const CONTROLLER_PORT = 19093;
export const INTERNAL_PORT = 19094;

export const LOG4J_CONFIG = `# Written by tools/dev-services: Kafka logs to stdout, which goes to the log file.
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

export const TOOL_LOG4J_CONFIG = `# Written by tools/dev-services: the Kafka tools of this script log warnings to stderr only.
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
`;

/**
 * Listeners of the node, all TLS on 127.0.0.1. CLIENT is the one for the platform and tests
 * (SASL/SCRAM-SHA-512 users). CONTROLLER (KRaft) and INTERNAL (inter-broker, and the way this
 * script creates users and ACLs without a password) require a client certificate of the dev CA.
 */
function listeners() {
  return [
    { name: 'CLIENT', protocol: 'SASL_SSL', port: BROKER_PORT, advertised: true },
    { name: 'CONTROLLER', protocol: 'SSL', port: CONTROLLER_PORT, advertised: false },
    { name: 'INTERNAL', protocol: 'SSL', port: INTERNAL_PORT, advertised: true },
  ];
}

function tlsProperties(kafkaFiles, paths) {
  return [
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${kafkaFiles.keystore}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${devCaFile(paths)}`,
    'ssl.enabled.protocols=TLSv1.3,TLSv1.2',
  ];
}

function securityProperties(kafkaFiles, paths) {
  return [
    ...tlsProperties(kafkaFiles, paths),
    'listener.name.controller.ssl.client.auth=required',
    'listener.name.internal.ssl.client.auth=required',
    // A certificate's principal is its CN, e.g. User:kafka-broker.
    'ssl.principal.mapping.rules=RULE:^CN=([^,]+),.*$/$1/,DEFAULT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${KAFKA_BROKER_PRINCIPAL};User:${KAFKA_ADMIN_USER}`,
    'allow.everyone.if.no.acl.found=false',
  ];
}

export function serverProperties(kafkaFiles, paths) {
  const all = listeners();
  const advertised = all.filter((listener) => listener.advertised);
  const lines = [
    '# Written by tools/dev-services at every "up"; edit the script, not this file.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=INTERNAL',
    `listeners=${all.map((listener) => `${listener.name}://${HOST}:${listener.port}`).join(',')}`,
    `advertised.listeners=${advertised.map((listener) => `${listener.name}://${HOST}:${listener.port}`).join(',')}`,
    `listener.security.protocol.map=${all.map((listener) => `${listener.name}:${listener.protocol}`).join(',')}`,
    ...securityProperties(kafkaFiles, paths),
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

/** Admin client settings of KafkaSecurity.java: the INTERNAL listener with the broker's certificate. */
export function adminClientProperties(kafkaFiles, paths) {
  const lines = [
    '# Written by tools/dev-services at every "up"; edit the script, not this file.',
    `bootstrap.servers=${HOST}:${INTERNAL_PORT}`,
    'security.protocol=SSL',
    ...tlsProperties(kafkaFiles, paths),
  ];

  return `${lines.join('\n')}\n`;
}

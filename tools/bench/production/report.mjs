// The "Production mode" section of BENCHMARKS.md, and its replacement in the file with the
// other sections left as they are.
import { readFileSync, writeFileSync } from 'node:fs';

export const SECTION_HEADING = '## Production mode';

const number = (value) => (value === null || value === undefined ? 'n/a' : value.toLocaleString('en'));

/** Parts that the pipeline needs at full speed; the ratio is taken against the slowest of them. */
export function slowestPart(parts) {
  const candidates = [
    { part: 'Kafka producer', perSecond: parts.kafka.producer.recordsPerSecond },
    { part: 'Kafka consumer', perSecond: parts.kafka.consumer.recordsPerSecond },
    { part: 'InfluxDB writes', perSecond: parts.influxdb.pointsPerSecond },
    { part: 'Mosquitto publish to subscribe', perSecond: parts.mosquitto.messagesPerSecond },
  ];

  return candidates.reduce((slowest, candidate) =>
    candidate.perSecond < slowest.perSecond ? candidate : slowest,
  );
}

function partsTable({ kafka, influxdb, mosquitto }) {
  return `| part | measurement | result |
|---|---|---|
| Kafka producer | ${number(kafka.producer.records)} \`append()\` calls of one encoded RawMessage each, ${number(kafka.producer.inFlight)} in flight, acks=all | **${number(kafka.producer.recordsPerSecond)} records/s** |
| Kafka producer, one call at a time | the same calls one after another for at most the configured time (${number(kafka.sequential.records)} calls) | ${number(kafka.sequential.recordsPerSecond)} records/s, ${kafka.sequential.meanMs} ms per call |
| Kafka consumer | \`subscribe()\` of a new group with a handler that does nothing, batches of at most ${number(kafka.consumer.maxBatchSize)}, after the first batch (group join ${kafka.consumer.joinSeconds} s, not counted) | **${number(kafka.consumer.recordsPerSecond)} records/s** |
| InfluxDB | ${number(influxdb.points)} observations in \`write()\` calls of ${number(influxdb.batchSize)} | **${number(influxdb.pointsPerSecond)} points/s** |
| Mosquitto | QoS 1 over TLS, ${mosquitto.connections} publisher connections with device certificates, one subscriber with the gateway certificate; received ${number(mosquitto.received)} of ${number(mosquitto.published)} | **${number(mosquitto.messagesPerSecond)} messages/s** |`;
}

function pipelineTable(pipeline, rssText) {
  const { throughput, latency } = pipeline;

  return `| measurement | result | aim |
|---|---|---|
| throughput: ${number(throughput.readings)} readings, first publish to last reading stored | **${number(throughput.readingsPerSecond)} readings/s** (${throughput.seconds} s) | |
| publish to PUBACK from Mosquitto during the throughput run, p50 / p99 | ${throughput.pubackP50Ms} ms / ${throughput.pubackP99Ms} ms | |
| latency at a fixed rate of ${number(latency.targetRate)} readings/s (achieved ${number(latency.achievedRate)}/s, ${number(latency.readings)} readings): gateway receipt to stored, p50 / p99 | **${latency.p50Ms} ms / ${latency.p99Ms} ms** | |
| publish to PUBACK from Mosquitto at the fixed rate, p50 / p99 | ${latency.pubackP50Ms} ms / ${latency.pubackP99Ms} ms | |
| observations of the tenant in InfluxDB after the run (warm-up ${number(pipeline.warmUpReadings)}, then ${number(throughput.readings)} and ${number(latency.readings)}) | ${number(pipeline.storedInInfluxDb)} | equal to the sum; checked after each run |
| peak resident memory (VmHWM) | ${rssText} | |`;
}

function cpuTable(throughput) {
  const rows = Object.entries(throughput.cpuSeconds)
    .sort(([, a], [, b]) => b - a)
    .map(
      ([process, seconds]) =>
        `| ${process} | ${seconds} s | ${Math.round((100 * seconds) / throughput.cpuWindowSeconds)} % |`,
    );

  return ['| process | CPU time | share of one core |', '|---|---|---|', ...rows].join('\n');
}

/** Builds the section from the benchmark's result object. */
export function productionSection(result) {
  const { machine, parts, pipeline, ratio, versions } = result;
  const { throughput } = pipeline;
  const rssText = Object.entries(result.peakRssMiB)
    .map(([service, mib]) => `${service} ${mib ?? 'n/a'} MiB`)
    .join(', ');

  return `${SECTION_HEADING}

Measured by \`${result.command}\` on ${result.date}, on ${machine.cores} cores (${machine.cpu}),
${machine.memoryGiB} GiB memory, Node.js ${machine.node}, after \`node tools/build.mjs --no-typecheck\`. The servers are the
dev services of \`tools/dev-services/dev-services.mjs\` on the same machine (Kafka 4.4.0 in KRaft mode with one
broker, Mosquitto ${versions.mosquitto}, InfluxDB ${versions.influxdb}, PostgreSQL 15, Keycloak 26.7.3), so servers,
services and load generators share its cores.

### Each part alone

${partsTable(parts)}

### Pipeline

The ingest gateway, validator, storage writer and query API run as four processes with
\`STADTDATEN_EVENT_LOG=kafka STADTDATEN_TIMESERIES=influxdb STADTDATEN_REGISTRY=postgres
STADTDATEN_AUTH=oidc STADTDATEN_MQTT=external\` and log level ${result.options.logLevel}. The devices are registered
through \`POST /api/v1/catalog\` of the query API with a Keycloak token of \`platform-operator\`.
A separate publisher process sends JSON readings at QoS 1 for ${pipeline.devices} devices, one MQTT
connection per device, each with its own client certificate: Mosquitto's ACL lets the
certificate with CN \`<tenant>/<device>\` publish only below \`stadtdaten/<tenant>/<device>/\`, so
the run uses ${pipeline.devices} device certificates in place of 1,000 devices. Readings are spread
over the ${pipeline.devices} datastreams, each reading with its own time. Stored means counted by
\`stadtdaten_messages_out_total{service="storage-writer",kind="observations"}\`, after InfluxDB
accepted the write. The latency quantiles come from \`stadtdaten_pipeline_latency_seconds\`,
interpolated within its buckets (5 ms to 30 s). A PUBACK comes from Mosquitto and does not wait for the gateway.

${pipelineTable(pipeline, rssText)}

### Where the time goes

CPU seconds of each process during the throughput run, read from /proc/<pid>/stat over
${throughput.cpuWindowSeconds} s: from just before the publisher process started until the checks after the last
reading was stored. PostgreSQL includes its connection processes, and the publisher counts its
whole life, TLS handshakes included. The machine has ${machine.cores} cores, so all processes
together can use at most ${number(machine.cores * 100)} % of one core.

${cpuTable(throughput)}

### Pipeline against the slowest part

The slowest part alone (${ratio.slowestPart}) handles ${number(ratio.slowestPerSecond)} per second, and the
pipeline reaches ${number(ratio.pipelinePerSecond)} readings/s: a ratio of **${ratio.value}** (aim: at least 0.5).
The one-call-at-a-time producer is left out of the comparison. It shows the cost of one
gateway connection's appends: the gateway reads Mosquitto over ${result.options.gatewayConnections} connections in one
MQTT 5 shared subscription, and each connection hands it one message at a time and waits
for that message's Kafka append (acks=all) before the next (\`SharedSubscriptionIngress\` and
\`ExternalBrokerIngress\` in libs/mqtt), so at most ${result.options.gatewayConnections} appends are in flight.
`;
}

/** Replaces the section, or appends it when the file has none; other sections stay unchanged. */
export function writeSection(file, section) {
  const markdown = readFileSync(file, 'utf8');
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION_HEADING);
  if (start < 0) {
    writeFileSync(file, `${markdown.trimEnd()}\n\n${section.trimEnd()}\n`);

    return;
  }
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = next < 0 ? '' : `\n${lines.slice(next).join('\n')}`;
  writeFileSync(file, `${before}\n\n${section.trimEnd()}\n${after}`);
}

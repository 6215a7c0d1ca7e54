// Command-line options of tools/bench/production.mjs.
import { parseArgs } from 'node:util';

const HELP = `Usage: node tools/bench/production.mjs [options]
  --readings N            readings of the throughput run (default 100000)
  --devices N             devices, each with its own certificate and MQTT connection (default 20)
  --rate N                readings per second of the fixed-rate run (default 2000)
  --rate-seconds N        duration of the fixed-rate run in seconds (default 20)
  --part-records N        records, points and messages of each part alone (default: --readings)
  --gateway-connections N connections of the ingest gateway to Mosquitto, in one shared subscription
                          (default 16, the gateway's default)
  --in-flight N           concurrent append() calls of the Kafka producer measurement (default 1000)
  --sequential-seconds N  maximum duration of the one-call-at-a-time producer measurement (default 10)
  --tenant ID             tenant of the run, 2 to 20 characters of a-z, 0-9 and "-"; also names its
                          topics, InfluxDB databases and MQTT client ids (default bench-prod)
  --log-level LEVEL       pino log level of the services (default warn)
  --stall-seconds N       fail when the stored count makes no progress for this many seconds (default 60)
  --timeout-seconds N     upper bound of each publish and each wait, in seconds (default 600)
  --allow-foreign-backlog let the run's validator and storage writer consume and commit records that
                          the groups "validator" and "storage-writer" left on other tenants' topics
  --skip-report           print the JSON only and leave BENCHMARKS.md unchanged`;

const INTEGER_OPTIONS = {
  readings: 100_000,
  devices: 20,
  rate: 2000,
  'rate-seconds': 20,
  'part-records': undefined,
  'gateway-connections': 16,
  'in-flight': 1000,
  'sequential-seconds': 10,
  'stall-seconds': 60,
  'timeout-seconds': 600,
};

/** Parses and checks the options; prints the help and exits with --help. */
export function parseOptions() {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(INTEGER_OPTIONS).map((name) => [name, { type: 'string' }])),
      tenant: { type: 'string', default: 'bench-prod' },
      'log-level': { type: 'string', default: 'warn' },
      'skip-report': { type: 'boolean', default: false },
      'allow-foreign-backlog': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  // The parts alone handle as many records as the throughput run, unless set apart.
  const defaults = { ...INTEGER_OPTIONS, 'part-records': values.readings ?? INTEGER_OPTIONS.readings };
  const numbers = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const value = Number(values[name] ?? fallback);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`invalid --${name} ${values[name]}; use a positive integer`);
    }
    numbers[name] = value;
  }
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(values.tenant)) {
    throw new Error(
      `invalid --tenant ${values.tenant}; use 2 to 20 characters of a-z, 0-9 and "-", starting with a letter`,
    );
  }

  return {
    readings: numbers.readings,
    devices: numbers.devices,
    gatewayConnections: numbers['gateway-connections'],
    rate: numbers.rate,
    rateSeconds: numbers['rate-seconds'],
    partRecords: numbers['part-records'],
    inFlight: numbers['in-flight'],
    sequentialSeconds: numbers['sequential-seconds'],
    stallSeconds: numbers['stall-seconds'],
    timeoutSeconds: numbers['timeout-seconds'],
    tenant: values.tenant,
    logLevel: values['log-level'],
    skipReport: values['skip-report'],
    allowForeignBacklog: values['allow-foreign-backlog'],
  };
}

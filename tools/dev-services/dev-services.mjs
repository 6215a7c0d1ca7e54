#!/usr/bin/env node
// Local infrastructure for the production adapters: Kafka (KRaft), Mosquitto (TLS with
// client certificates), InfluxDB 1.x, PostgreSQL and Keycloak, all on 127.0.0.1 with their
// state in one folder. Usage: node tools/dev-services/dev-services.mjs help
import { formatEnvironment, issueDeviceCertificate, serviceEnvironment } from './lib/environment.mjs';
import { DevServicesError } from './lib/errors.mjs';
import { down, formatStatus, serviceStatus, up } from './lib/lifecycle.mjs';
import { message } from './lib/messages.mjs';
import { influxdb } from './services/influxdb.mjs';
import { kafka } from './services/kafka.mjs';
import { keycloak } from './services/keycloak.mjs';
import { mosquittoSensorThings } from './services/mosquitto-sensorthings.mjs';
import { mosquitto } from './services/mosquitto.mjs';
import { postgres } from './services/postgres.mjs';

/** All services in start order; `down` stops them in reverse. */
const SERVICES = [postgres, influxdb, mosquitto, mosquittoSensorThings, kafka, keycloak];

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** Exit code of `status` when a service is not running (as in the LSB init script convention). */
const EXIT_NOT_RUNNING = 3;

class UsageError extends DevServicesError {
  constructor(text) {
    super('USAGE', text);
  }
}

function parseArguments(argv) {
  const [command = 'help', ...rest] = argv;
  const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
  const positional = rest.filter((arg) => !arg.startsWith('--'));

  return { command, flags, positional };
}

function checkFlags(flags, allowed) {
  for (const flag of flags) {
    if (!allowed.includes(flag)) {
      throw new UsageError(message('unknownOption', flag));
    }
  }
}

function selectServices(names) {
  if (names.length === 0) {
    return SERVICES;
  }
  const known = SERVICES.map((service) => service.name);
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(message('unknownService', name, known.join(', ')));
    }
  }

  return SERVICES.filter((service) => names.includes(service.name));
}

async function main(argv) {
  const { command, flags, positional } = parseArguments(argv);

  switch (command) {
    case 'up':
      checkFlags(flags, []);
      await up(selectServices(positional));

      return 0;
    case 'down':
      checkFlags(flags, ['--purge']);
      if (flags.has('--purge') && positional.length > 0) {
        throw new UsageError(message('unknownOption', '--purge (only without service names)'));
      }
      await down(selectServices(positional), { purge: flags.has('--purge'), all: positional.length === 0 });

      return 0;
    case 'status': {
      checkFlags(flags, ['--json']);
      const entries = serviceStatus(selectServices(positional));
      process.stdout.write(
        `${flags.has('--json') ? JSON.stringify(entries, null, 2) : formatStatus(entries)}\n`,
      );

      return entries.every((entry) => entry.running) ? 0 : EXIT_NOT_RUNNING;
    }
    case 'env':
      checkFlags(flags, ['--json']);
      process.stdout.write(`${formatEnvironment(serviceEnvironment(), flags.has('--json'))}\n`);

      return 0;
    case 'cert': {
      checkFlags(flags, []);
      if (positional.length !== 2) {
        throw new UsageError(message('certUsage'));
      }
      const issued = await issueDeviceCertificate(positional[0], positional[1]);
      process.stdout.write(
        `cn=${issued.commonName}\ncert=${issued.cert}\nkey=${issued.key}\nca=${issued.ca}\n`,
      );

      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${message('usage')}\n`);

      return 0;
    default:
      throw new UsageError(message('unknownCommand', command));
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // An error that is not a DevServicesError is a defect of this script: show its stack.
  const text = error instanceof DevServicesError ? error.message : (error?.stack ?? String(error));
  process.stderr.write(`${message('failed', text)}\n`);
  process.exitCode = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * Starts the local Kafka, Mosquitto, InfluxDB, PostgreSQL and Keycloak before the test run
 * (tools/dev-services) and hands their addresses to the suites as STADTDATEN_* variables.
 * STADTDATEN_DEV_SERVICES=off skips this; the production adapters' suites are then skipped.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const SCRIPT = join(__dirname, 'dev-services', 'dev-services.mjs');

function devServices(args, options = {}) {
  return execFileSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', ...options });
}

module.exports = async function globalSetup() {
  if (process.env.STADTDATEN_DEV_SERVICES === 'off') {
    return;
  }
  // `status` exits with 3 while a service is stopped, so its output is read whatever the exit code.
  const status = spawnSync(process.execPath, [SCRIPT, 'status', '--json'], { encoding: 'utf8' });
  const stopped = JSON.parse(status.stdout)
    .filter((service) => !service.running)
    .map((service) => service.name);
  devServices(['up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = JSON.parse(devServices(['env', '--json']));
  for (const [name, value] of Object.entries(env)) {
    process.env[name] ??= value;
  }
  // The teardown stops only these, so services that another run started keep running.
  process.env.STADTDATEN_DEV_SERVICES_STARTED = stopped.join(',');
};

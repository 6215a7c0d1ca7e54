/** Stops the dev services that the global setup started, and leaves the others running. */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  const started = (process.env.STADTDATEN_DEV_SERVICES_STARTED ?? '').split(',').filter(Boolean);
  if (started.length === 0) {
    return;
  }
  execFileSync(process.execPath, [join(__dirname, 'dev-services', 'dev-services.mjs'), 'down', ...started], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};

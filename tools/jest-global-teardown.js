/** Stops the dev services after the test run when the global setup started them. */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  if (process.env.STADTDATEN_DEV_SERVICES_STARTED !== 'yes') {
    return;
  }
  execFileSync(process.execPath, [join(__dirname, 'dev-services', 'dev-services.mjs'), 'down'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};

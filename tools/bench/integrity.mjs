// Signing throughput of @stadtdaten/integrity (BatchSigner with a file key store) on the compiled output.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/integrity.mjs [--observations 20000]
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { benchmarkSigning } = require('../../libs/integrity/dist/index.js');

const { values: args } = parseArgs({ options: { observations: { type: 'string', default: '20000' } } });
const observations = Number(args.observations);

const results = await benchmarkSigning(observations);
process.stdout.write(`Node.js ${process.version}, ${cpus().length} cores (${cpus()[0].model}), ${observations} observations per batch size\n`);
process.stdout.write('| batch size | observations/s | duration |\n|---|---|---|\n');
for (const result of results) {
  const rate = Math.round(result.observationsPerSecond).toLocaleString('en-US');
  process.stdout.write(`| ${result.batchSize} | ${rate} | ${(result.durationMs / 1000).toFixed(2)} s |\n`);
}

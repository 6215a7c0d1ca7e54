// Starts the compiled embedded platform in a child process for the benchmarks, and issues
// tokens of its built-in issuer. Build first: node tools/build.mjs --no-typecheck
import { execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
export const cli = join(root, 'services', 'platform', 'dist', 'main.js');

/**
 * Starts `stadtdaten start --no-demo` on free ports with `env` and resolves with the child and
 * its HTTP and MQTT addresses once the start message names both; rejects after 60 s or on exit.
 */
export async function startEmbeddedPlatform(env) {
  const child = spawn(process.execPath, [cli, 'start', '--no-demo', '--port', '0', '--mqtt-port', '0'], { env });
  let output = '';
  const urls = await new Promise((resolveUrls, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start within 60 s: ${output}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const http = /Dashboard:\s+(http:\/\/\S+)\//.exec(output);
      const mqtt = /MQTT:\s+(mqtt:\/\/\S+)/.exec(output);
      if (http && mqtt) {
        clearTimeout(timer);
        resolveUrls({ http: http[1], mqtt: mqtt[1] });
      }
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('exit', (code) => reject(new Error(`platform exited with ${code}: ${output}`)));
  });

  return { child, ...urls };
}

/** Issues a two-hour token of the built-in issuer of the data folder in `env.STADTDATEN_DATA_DIR`. */
export function issueToken(env, tenant, role) {
  return execFileSync(process.execPath, [cli, 'token', '--tenant', tenant, '--role', role, '--ttl', '7200', '--data-dir', env.STADTDATEN_DATA_DIR], { env })
    .toString()
    .trim();
}

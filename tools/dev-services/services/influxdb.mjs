// InfluxDB 1.x (Debian's influxdb, v1 HTTP API) with its own config: HTTPS (a server
// certificate of the dev CA) and RPC bound to 127.0.0.1, all data under the state folder,
// usage reporting off.
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { logStep } from '../lib/messages.mjs';
import { isRoot, spawnDetached, systemUser } from '../lib/processes.mjs';
import { httpStatus } from '../lib/probes.mjs';
import { findProgram } from '../lib/system.mjs';
import { devCaFile, ensureServerCertificate, grantKeyAccess } from '../lib/tls.mjs';

const HOST = '127.0.0.1';
const HTTP_PORT = 18086;
const RPC_PORT = 18088;

function files(paths) {
  const dir = paths.service('influxdb');

  return {
    dir,
    config: join(dir, 'influxdb.conf'),
    meta: join(dir, 'meta'),
    data: join(dir, 'data'),
    wal: join(dir, 'wal'),
  };
}

// TOML basic strings accept JSON string syntax for the characters a path can contain.
const toml = (value) => JSON.stringify(value);

// NOTE: InfluxDB 1.x has no TLS for its RPC port (backup and restore), so that port stays
// plaintext; it listens on 127.0.0.1 only.
function influxConfig(influx, tls) {
  return `# Written by tools/dev-services at every "up"; edit the script, not this file.
reporting-disabled = true
bind-address = ${toml(`${HOST}:${RPC_PORT}`)}

[meta]
  dir = ${toml(influx.meta)}

[data]
  dir = ${toml(influx.data)}
  wal-dir = ${toml(influx.wal)}
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = ${toml(`${HOST}:${HTTP_PORT}`)}
  auth-enabled = false
  log-enabled = false
  https-enabled = true
  https-certificate = ${toml(tls.cert)}
  https-private-key = ${toml(tls.key)}

[logging]
  level = "info"
`;
}

export const influxdb = {
  name: 'influxdb',
  address: `${HOST}:${HTTP_PORT}`,
  detail: `https; rpc ${HOST}:${RPC_PORT}`,
  ports: [HTTP_PORT, RPC_PORT],
  readyTimeoutMs: 60_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 20_000 },

  missingPackages: () => (findProgram('influxd') ? [] : ['influxdb']),

  marker: (paths) => files(paths).config,

  async prepare(context) {
    const influx = files(context.paths);
    for (const dir of [influx.dir, influx.meta, influx.data, influx.wal]) {
      mkdirSync(dir, { recursive: true });
    }
    const tls = await ensureServerCertificate(context.paths, 'influxdb');
    logStep('influxdb', 'writeConfig', influx.config);
    writeFileSync(influx.config, influxConfig(influx, tls));

    // As root, influxd runs as Debian's "influxdb" user, which then owns its data and key.
    context.influxUser = isRoot() ? await systemUser('influxdb') : undefined;
    if (context.influxUser) {
      for (const dir of [influx.meta, influx.data, influx.wal]) {
        chownSync(dir, context.influxUser.uid, context.influxUser.gid);
      }
    }
    grantKeyAccess(tls, context.influxUser);
  },

  start(context) {
    const influx = files(context.paths);

    return spawnDetached(findProgram('influxd'), ['run', '-config', influx.config], {
      cwd: influx.dir,
      env: process.env,
      uid: context.influxUser?.uid,
      gid: context.influxUser?.gid,
      logFile: context.paths.logFile('influxdb'),
    });
  },

  probe: async (context) =>
    (await httpStatus(`https://${HOST}:${HTTP_PORT}/ping`, { ca: readFileSync(devCaFile(context.paths)) })) === 204,
};

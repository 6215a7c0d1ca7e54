// InfluxDB 1.x (Debian's influxdb, v1 HTTP API) with its own config: HTTP and RPC bound
// to 127.0.0.1, all data under the state folder, usage reporting off.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { logStep } from '../lib/messages.mjs';
import { isRoot, spawnDetached, systemUser } from '../lib/processes.mjs';
import { httpStatus } from '../lib/probes.mjs';
import { findProgram } from '../lib/system.mjs';

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

function influxConfig(influx) {
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

[logging]
  level = "info"
`;
}

export const influxdb = {
  name: 'influxdb',
  address: `${HOST}:${HTTP_PORT}`,
  detail: `rpc ${HOST}:${RPC_PORT}`,
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
    logStep('influxdb', 'writeConfig', influx.config);
    writeFileSync(influx.config, influxConfig(influx));

    // As root, influxd runs as Debian's "influxdb" user, which then owns its data.
    context.influxUser = isRoot() ? await systemUser('influxdb') : undefined;
    if (context.influxUser) {
      for (const dir of [influx.meta, influx.data, influx.wal]) {
        chownSync(dir, context.influxUser.uid, context.influxUser.gid);
      }
    }
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

  probe: async () => (await httpStatus(`http://${HOST}:${HTTP_PORT}/ping`)) === 204,
};

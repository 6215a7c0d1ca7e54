// up, down and status over the service definitions in ../services/.
import { existsSync } from 'node:fs';

import { DevServicesError } from './errors.mjs';
import { logStep, message } from './messages.mjs';
import { isServiceProcess, stopProcess } from './processes.mjs';
import { isPortOpen, waitUntil } from './probes.mjs';
import {
  ensureKekFile,
  ensureSecrets,
  ensureStateDirectory,
  hasMarker,
  readPid,
  removePid,
  removeStateDirectory,
  statePaths,
  writePid,
} from './state.mjs';
import { installPackages } from './system.mjs';
import { PLATFORM_CERTIFICATE, ensureServerCertificate } from './tls.mjs';

/** Returns the PID of the running service, or undefined; a stale PID file is removed. */
function runningPid(paths, service) {
  const pid = readPid(paths, service.name);
  if (pid === undefined) {
    return undefined;
  }
  if (isServiceProcess(pid, service.marker(paths))) {
    return pid;
  }
  removePid(paths, service.name);

  return undefined;
}

async function waitForService(context, service, started) {
  const { paths } = context;
  const seconds = Math.round(service.readyTimeoutMs / 1000);
  logStep(service.name, 'waiting', service.address, seconds);
  const outcome = await waitUntil(() => service.probe(context), {
    timeoutMs: service.readyTimeoutMs,
    hasExited: () => Boolean(started.exited()),
  });
  if (outcome === 'exited') {
    removePid(paths, service.name);
    throw new DevServicesError(
      'SERVICE_EXITED',
      message('exitedEarly', service.name, paths.logFile(service.name)),
    );
  }
  if (outcome === 'timeout') {
    throw new DevServicesError(
      'SERVICE_NOT_READY',
      message('notReady', service.name, service.address, seconds, paths.logFile(service.name)),
    );
  }
}

async function startService(context, service) {
  const { paths } = context;
  const startedAt = Date.now();
  for (const port of service.ports) {
    if (await isPortOpen(port)) {
      throw new DevServicesError('PORT_IN_USE', message('portInUse', `127.0.0.1:${port}`));
    }
  }

  logStep(service.name, 'starting', paths.logFile(service.name));
  const started = await service.start(context);
  if (started.pid === undefined) {
    throw new DevServicesError(
      'SERVICE_EXITED',
      message('exitedEarly', service.name, paths.logFile(service.name)),
    );
  }
  writePid(paths, service.name, started.pid);
  await waitForService(context, service, started);
  await service.configure?.(context);
  logStep(service.name, 'ready', service.address, started.pid, ((Date.now() - startedAt) / 1000).toFixed(1));
}

async function checkRunningService(context, service, pid) {
  logStep(service.name, 'alreadyRunning', pid);
  await waitForService(context, service, {
    exited: () => !isServiceProcess(pid, service.marker(context.paths)),
  });
  await service.configure?.(context);
}

function reportFailures(failures) {
  for (const { error } of failures) {
    process.stderr.write(`${message('failed', error.message)}\n`);
  }
  const names = failures.map(({ service }) => service.name).join(', ');

  throw new DevServicesError('UP_FAILED', message('upFailed', names));
}

/**
 * Installs what is missing, then starts every service that is not running and waits until
 * each responds. Services start in parallel; one that fails does not stop the others.
 */
export async function up(services) {
  const startedAt = Date.now();
  const paths = statePaths();
  ensureStateDirectory(paths);
  logStep(undefined, 'stateDir', paths.root);
  const context = { paths, secrets: ensureSecrets(paths) };
  await ensureServerCertificate(paths, PLATFORM_CERTIFICATE);
  ensureKekFile(paths);

  const running = new Map(services.map((service) => [service.name, runningPid(paths, service)]));
  const toStart = services.filter((service) => running.get(service.name) === undefined);
  await installPackages([...new Set(toStart.flatMap((service) => service.missingPackages()))]);

  const failures = [];
  const prepared = [];
  for (const service of toStart) {
    try {
      await service.prepare(context);
      prepared.push(service);
    } catch (error) {
      failures.push({ service, error });
    }
  }

  const active = services.filter(
    (service) => running.get(service.name) !== undefined || prepared.includes(service),
  );
  await Promise.all(
    active.map(async (service) => {
      const pid = running.get(service.name);
      try {
        await (pid === undefined
          ? startService(context, service)
          : checkRunningService(context, service, pid));
      } catch (error) {
        failures.push({ service, error });
      }
    }),
  );
  if (failures.length > 0) {
    reportFailures(failures);
  }
  logStep(undefined, 'upDone', ((Date.now() - startedAt) / 1000).toFixed(1));
}

/** Stops every service that `up` started, by the PID in its PID file. `purge` then deletes the state folder. */
export async function down(services, { purge, all }) {
  const paths = statePaths();
  const survivors = [];
  for (const service of [...services].reverse()) {
    const pid = readPid(paths, service.name);
    if (pid === undefined) {
      logStep(service.name, 'notRunning');
      continue;
    }
    if (!isServiceProcess(pid, service.marker(paths))) {
      logStep(service.name, 'stalePid', pid);
      removePid(paths, service.name);
      continue;
    }
    if (await stopProcess(service.name, pid, service.stop)) {
      removePid(paths, service.name);
      logStep(service.name, 'stopped');
    } else {
      survivors.push(message('stillAlive', service.name, pid));
    }
  }
  if (survivors.length > 0) {
    throw new DevServicesError('STOP_FAILED', survivors.join('\n'));
  }

  if (purge && all && existsSync(paths.root)) {
    if (!hasMarker(paths)) {
      throw new DevServicesError('PURGE_REFUSED', message('purgeRefused', paths.root));
    }
    removeStateDirectory(paths);
    logStep(undefined, 'purged', paths.root);
  }
}

/** Returns one entry per service: name, running, pid, address, detail. */
export function serviceStatus(services) {
  const paths = statePaths();

  return services.map((service) => {
    const pid = readPid(paths, service.name);
    const running = pid !== undefined && isServiceProcess(pid, service.marker(paths));

    return {
      name: service.name,
      running,
      pid: running ? pid : null,
      address: service.address,
      detail: service.detail,
    };
  });
}

export function formatStatus(entries) {
  const nameWidth = Math.max(10, ...entries.map((entry) => entry.name.length));

  return entries
    .map((entry) => {
      const state = message(entry.running ? 'statusRunning' : 'statusStopped');
      const pid = entry.running ? `PID ${entry.pid}` : '-';

      return `${entry.name.padEnd(nameWidth)} ${state.padEnd(9)} ${pid.padEnd(11)} ${entry.address} (${entry.detail})`;
    })
    .join('\n');
}

import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BuiltinIssuer } from '@stadtdaten/auth';
import type { ConnectorRunReport } from '@stadtdaten/connectors';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { ConnectorStatus } from '@stadtdaten/ingest-gateway';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { cliLanguage, message } from './messages';

const POLL_MS = 250;

interface ClientOptions {
  url: string;
  dataDir: string;
}

/** `stadtdaten connector list|run`: talks to a running platform's connector endpoints. */
export function registerConnectorCommands(program: Command, defaultDataDir: string): void {
  const connector = program.command('connector').description('scheduled pulls and file imports of a running platform');
  connector
    .command('list')
    .description('show each connector with its schedule and last run')
    .option('--url <url>', 'URL of the running platform', 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'data folder of the platform (for the admin token)', defaultDataDir)
    .action(async (options: ClientOptions) => {
      const { items } = (await call(options, 'GET', '/api/v1/connectors')) as { items: ConnectorStatus[] };
      if (items.length === 0) {
        process.stdout.write(`${message('connectorNone')}\n`);
        return;
      }
      for (const item of items) {
        const last = item.lastRun === undefined ? '-' : `${item.lastRun.outcome} ${new Date(item.lastRun.startedAtMs).toISOString()}`;
        process.stdout.write(`${item.name}\t${item.tenant}\t${item.decoder}\t${item.schedule ?? '-'}\t${last}\n`);
      }
    });
  connector
    .command('run <name>')
    .description('run one connector now and show its progress')
    .option('--url <url>', 'URL of the running platform', 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'data folder of the platform (for the admin token)', defaultDataDir)
    .option('--timeout <seconds>', 'give up waiting after this many seconds', '3600')
    .action(async (name: string, options: ClientOptions & { timeout: string }) => {
      const report = await runAndWait(name, options, Number(options.timeout) * 1000);
      process.stdout.write(
        `${message('connectorSummary', report.outcome, report.published, report.deadLettered, report.dropped, report.missing)}\n`,
      );
      for (const warning of report.warnings ?? []) {
        process.stderr.write(`${message('connectorWarning', warning)}\n`);
      }
      if (report.error !== undefined) {
        process.stderr.write(`${message('failed', report.error)}\n`);
      }
      process.exitCode = report.outcome === 'failed' ? 1 : 0;
    });
}

async function runAndWait(name: string, options: ClientOptions, timeoutMs: number): Promise<ConnectorRunReport> {
  const path = `/api/v1/connectors/${encodeURIComponent(name)}`;
  const before = (await call(options, 'GET', path)) as ConnectorStatus;
  const previousStartMs = before.lastRun?.startedAtMs ?? Number.NEGATIVE_INFINITY;
  await call(options, 'POST', `${path}/runs`);
  process.stderr.write(`${message('connectorRunning', name)}\n`);
  const bar = process.stderr.isTTY ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} {unit}' }) : undefined;
  let barStarted = false;
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const status = (await call(options, 'GET', path)) as ConnectorStatus;
      const run = status.lastRun;
      // Times are the platform's, so a run is recognised as new by its start, not by this machine's clock.
      if (run !== undefined && run.startedAtMs > previousStartMs) {
        const total = run.bytesTotal ?? 0;
        if (bar !== undefined && total > 0) {
          if (!barStarted) {
            bar.start(total, 0, { unit: 'bytes' });
            barStarted = true;
          }
          bar.update(run.bytes, { unit: 'bytes' });
        }
        if (!status.running && run.outcome !== 'running') {
          return run;
        }
      }
      await sleep(POLL_MS);
    }
  } finally {
    bar?.stop();
  }
  throw new AppError(ErrorCode.UNAVAILABLE, `connector "${name}" did not finish within ${timeoutMs / 1000} s; its status stays at GET ${path}`);
}

const tokens = new Map<string, Promise<string>>();

/** Issues a platform-admin token from the data folder's built-in issuer, once per run of the CLI. */
function adminToken(dataDir: string): Promise<string> {
  const dir = resolve(dataDir);
  let token = tokens.get(dir);
  if (token === undefined) {
    token = BuiltinIssuer.open(dir).then((issuer) =>
      issuer.issue({ tenant: 'platform', roles: ['platform-admin'], subject: 'cli' }),
    );
    tokens.set(dir, token);
  }

  return token;
}

async function call(options: ClientOptions, method: 'GET' | 'POST', path: string): Promise<unknown> {
  const token = await adminToken(options.dataDir);
  const response = await fetch(`${options.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'accept-language': cliLanguage() },
  }).catch(() => undefined);
  if (response === undefined) {
    throw new AppError(ErrorCode.UNAVAILABLE, message('platformUnreachable', options.url));
  }
  const body = (await response.json().catch(() => ({}))) as { detail?: string; code?: string };
  if (response.status === 404 && body.code === undefined) {
    throw new AppError(ErrorCode.UNAVAILABLE, message('notAPlatform', options.url));
  }
  if (!response.ok) {
    throw new AppError(ErrorCode.UNAVAILABLE, body.detail ?? `the platform at ${options.url} returned status ${response.status}`);
  }

  return body;
}

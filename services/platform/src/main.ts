import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { AppError, Clock, ROLES, type Role } from '@stadtdaten/contracts';
import { openRegistry } from '@stadtdaten/registry';
import { Command, Option } from 'commander';
import { registerBackupCommands } from './cli/backup-commands';
import { registerConnectorCommands } from './cli/connector-commands';
import { registerKeyCommands } from './cli/key-commands';
import { registerOpenDataCommands } from './cli/opendata-commands';
import { cliLanguage, message } from './cli/messages';
import { replayMessages } from './cli/replay';
import { REPLAY_FORMATS, type ReplayFormat, planReplay } from './cli/replay-plan';
import { runServiceAlone, SERVICE_NAMES } from './cli/run-service';
import { EMBEDDED_FILES, GERMAN_HINTS, openTenantKeys } from '@stadtdaten/runtime';
import { Pseudonymizer } from '@stadtdaten/keys';
import { createLogger } from '@stadtdaten/observability';
import { startPlatform } from './platform';

const env = process.env;
const defaultDataDir = env.STADTDATEN_DATA_DIR ?? './var';

const program = new Command('stadtdaten')
  .description('Open urban data platform: start it, manage its catalog, send data, issue tokens.')
  .showHelpAfterError();

program
  .command('start')
  .description('start every service in one process on the embedded adapters')
  .option('--data-dir <dir>', 'folder for all stored data (env STADTDATEN_DATA_DIR)', defaultDataDir)
  .option('--host <address>', 'HTTP bind address (env STADTDATEN_HTTP_HOST, default 127.0.0.1)')
  .option('--port <port>', 'HTTP port (env STADTDATEN_HTTP_PORT, default 8080)')
  .option('--mqtt-host <address>', 'MQTT bind address (env STADTDATEN_MQTT_HOST, default 127.0.0.1)')
  .option('--mqtt-port <port>', 'MQTT port (env STADTDATEN_MQTT_PORT, default 1883)')
  .option('--no-demo', 'start empty: no demo catalog and no simulated fleet')
  .option('--connectors <file>', 'YAML file with connectors to run (env STADTDATEN_CONNECTORS_FILE)')
  .action(async (options) => {
    const platform = await startPlatform({
      dataDir: resolve(options.dataDir),
      httpHost: options.host,
      httpPort: options.port === undefined ? undefined : Number(options.port),
      mqttHost: options.mqttHost,
      mqttPort: options.mqttPort === undefined ? undefined : Number(options.mqttPort),
      demo: options.demo === false ? false : undefined,
      connectorsFile: options.connectors === undefined ? undefined : resolve(options.connectors),
      env,
      pipelineInWorker: true,
    });
    process.stdout.write(`${message('started', platform.httpUrl, platform.mqttUrl)}\n`);
    let stopping = false;
    const stop = async () => {
      if (stopping) {
        return;
      }
      stopping = true;
      process.stdout.write(`${message('stopping')}\n`);
      await platform.stop();
      process.stdout.write(`${message('stopped')}\n`);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program
  .command('token')
  .description('print a token of the built-in issuer (embedded mode)')
  .requiredOption('--tenant <id>', 'tenant of the token')
  .addOption(new Option('--role <role...>', 'roles of the token').choices([...ROLES]).default(['analyst']))
  .option('--subject <name>', 'subject (user or device name)', 'cli')
  .option('--ttl <seconds>', 'lifetime in seconds', '3600')
  .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
  .action(async (options) => {
    const dataDir = resolve(options.dataDir);
    if (!existsSync(join(dataDir, 'keys', 'issuer.jwk.json'))) {
      process.stderr.write(`${message('newIssuerKey', dataDir)}\n`);
    }
    const issuer = await BuiltinIssuer.open(dataDir);
    const token = await issuer.issue({
      tenant: options.tenant,
      roles: options.role as Role[],
      subject: options.subject,
      ttlSeconds: Number(options.ttl),
    });
    process.stdout.write(`${token}\n`);
  });

const catalog = program.command('catalog').description('manage the registry from catalog files');
catalog
  .command('apply <file>')
  .description('apply a catalog file (YAML or JSON); applying it twice changes nothing')
  .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
  .option('--url <url>', 'URL of a running platform; its registry is changed through the REST API', 'http://127.0.0.1:8080')
  .option('--dry-run', 'only show what would change')
  .action(async (file: string, options) => {
    const text = readFileSync(file, 'utf8');
    const result = await applyCatalog(text, file, options);
    for (const change of result.changes) {
      process.stdout.write(`  ${change}\n`);
    }
    process.stdout.write(`${message('catalogApplied', result.created, result.updated, result.unchanged)}\n`);
  });

program
  .command('replay <file>')
  .description('publish a file of readings over MQTT to a running platform')
  .addOption(new Option('--format <name>', 'payload format of the file').choices([...REPLAY_FORMATS]).makeOptionMandatory())
  .option('--tenant <id>', 'tenant to publish as', 'darmstadt')
  .option('--device <id>', 'device id, for formats whose payload names none')
  .option('--rate <n>', 'messages per second (default: as fast as acknowledged)')
  .option('--mqtt-url <url>', 'MQTT broker of the platform', 'mqtt://127.0.0.1:1883')
  .option('--token <jwt>', 'device token; default: issued from the data folder\'s built-in issuer')
  .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
  .action(async (file: string, options) => {
    const plan = planReplay(readFileSync(file, 'utf8'), {
      format: options.format as ReplayFormat,
      tenant: options.tenant,
      device: options.device,
    });
    const token =
      options.token ??
      (await (await BuiltinIssuer.open(resolve(options.dataDir))).issue({ tenant: options.tenant, roles: ['device'], subject: 'replay' }));
    const summary = await replayMessages(plan.messages, {
      mqttUrl: options.mqttUrl,
      token,
      rate: options.rate === undefined ? undefined : Number(options.rate),
      progress: process.stderr.isTTY,
    });
    for (const failure of [...plan.unroutable, ...summary.failures]) {
      process.stderr.write(`  line ${failure.line}: ${failure.reason}\n`);
    }
    const failed = summary.failed + plan.unroutable.length;
    process.stdout.write(`${message('replaySummary', summary.sent, summary.acknowledged, failed)}\n`);
    process.exitCode = failed > 0 ? 1 : 0;
  });

registerConnectorCommands(program, defaultDataDir);
registerKeyCommands(program, defaultDataDir);
registerOpenDataCommands(program, defaultDataDir);
registerBackupCommands(program, defaultDataDir);

const dev = program.command('dev').description('tools for development on one machine');
dev
  .command('services <action> [names...]')
  .description(
    'start, stop or show the local Kafka, Mosquitto, InfluxDB, PostgreSQL and Keycloak (actions: up, down, status, env, cert)',
  )
  .allowUnknownOption()
  .action((action: string, names: string[]) => {
    const script = resolve(__dirname, '..', '..', '..', 'tools', 'dev-services', 'dev-services.mjs');
    const result = spawnSync(process.execPath, [script, action, ...names, ...program.args.slice(3 + names.length)], {
      stdio: 'inherit',
    });
    process.exitCode = result.status ?? 1;
  });

program
  .command('run <service>')
  .description(`run one service alone (${SERVICE_NAMES.join(', ')}), configured by STADTDATEN_* variables`)
  .action((service: string) => runServiceAlone(service));

async function applyCatalog(text: string, file: string, options: { dataDir: string; url: string; dryRun?: boolean }) {
  const dataDir = resolve(options.dataDir);
  const issuer = await BuiltinIssuer.open(dataDir);
  const token = await issuer.issue({ tenant: 'platform', roles: ['platform-admin'], subject: 'cli' });
  const contentType = /\.json$/i.test(file) ? 'application/json' : 'application/yaml';
  const response = await fetch(`${options.url}/api/v1/catalog${options.dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'accept-language': 'en' },
    body: text,
  }).catch(() => undefined);
  if (response === undefined) {
    process.stderr.write(`${message('catalogDirect', options.url, dataDir)}\n`);
  }
  if (response !== undefined) {
    const body = (await response.json()) as { detail?: string } & Awaited<ReturnType<typeof applyDirectly>>;
    if (!response.ok) {
      throw new AppError('INVALID_CATALOG', body.detail ?? `platform responded with status ${response.status}`);
    }

    return body;
  }

  return applyDirectly(text, file, dataDir, options.dryRun);
}

/** Applies the catalog to the data folder's registry file when no platform responds. */
async function applyDirectly(text: string, file: string, dataDir: string, dryRun?: boolean) {
  const keys = openTenantKeys({ service: 'cli', dataDir, logger: createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn' }), adapters: {} }, new Clock());
  const pseudonymizer = new Pseudonymizer(keys);
  const registry = await openRegistry({
    type: 'sqlite',
    path: resolve(dataDir, EMBEDDED_FILES.registry),
    pseudonymize: (tenant, id) => pseudonymizer.pseudonym(tenant, id),
  });
  try {
    return await registry.applyCatalog(registry.parseCatalog(text, file), { dryRun });
  } finally {
    await registry.close();
    await keys.close();
  }
}

program.parseAsync().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message('failed', text)}\n`);
  // Most error texts are English; a German reader gets the meaning of the error code beside it.
  const hint = code !== undefined && cliLanguage() === 'de' ? GERMAN_HINTS[code] : undefined;
  if (hint !== undefined) {
    process.stderr.write(`${message('hint', hint)}\n`);
  }
  if (code === 'EADDRINUSE') {
    process.stderr.write(`${message('portInUse')}\n`);
  }
  process.exit(1);
});

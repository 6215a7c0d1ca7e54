/**
 * Shared steps of the deployment checks: installing the tools, rendering the chart with helm,
 * validating manifests with schemacheck, and reading rendered objects.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'charts', 'stadtdaten');
export const K8S_DIR = join(REPO_ROOT, 'k8s');
const CHECK_DIR = join(REPO_ROOT, 'var', 'deploy-check');
const INSTALL_SCRIPT = join(REPO_ROOT, 'tools', 'deploy-check', 'install-tools.sh');

/** Upper bound of install-tools.sh: about 3 minutes with empty caches on 2 cores. */
export const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;
const COMMAND_TIMEOUT_MS = 120 * 1000;

/** Kubernetes version that helm renders for; the chart requires 1.29 or newer. */
export const KUBE_VERSION = '1.33.0';

/** Value profiles of the chart: the defaults and one file per target. */
export const PROFILES = {
  default: [] as string[],
  darz: ['values-darz.yaml'],
  azure: ['values-azure.yaml'],
} as const;
export type Profile = keyof typeof PROFILES;

export const SERVICE_NAMES = ['ingest-gateway', 'validator', 'storage-writer', 'query-api', 'dashboard', 'analytics'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // Each check narrows the fields it reads.
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
};

/** Runs install-tools.sh, which returns within a second when every tool is in place. */
export function ensureTools(): void {
  execFileSync('bash', [INSTALL_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'], timeout: INSTALL_TIMEOUT_MS });
}

export function helmBinary(): string {
  return join(process.env.STADTDATEN_TOOLS_BIN ?? join(homedir(), 'go', 'bin'), 'helm');
}

/** Result of a command that may fail; checks assert on status and output. */
export type CommandResult = { status: number | null; stdout: string; stderr: string };

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): CommandResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  if (result.error) {
    throw result.error;
  }

  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A copy of charts/common and charts/stadtdaten in a temporary folder with the common
 * dependency built, so that helm never writes into the repository or the user's helm folders.
 */
export class ChartWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'stadtdaten-chart-'));
  readonly chartDir = join(this.root, 'stadtdaten');
  private readonly helmEnv = {
    HELM_CACHE_HOME: join(this.root, '.helm', 'cache'),
    HELM_CONFIG_HOME: join(this.root, '.helm', 'config'),
    HELM_DATA_HOME: join(this.root, '.helm', 'data'),
  };

  constructor() {
    cpSync(join(REPO_ROOT, 'charts', 'common'), join(this.root, 'common'), { recursive: true });
    cpSync(CHART_DIR, this.chartDir, { recursive: true });
    const built = this.helm(['dependency', 'build', this.chartDir]);
    if (built.status !== 0) {
      throw new Error(`helm dependency build failed: ${built.stderr}`);
    }
  }

  helm(args: string[]): CommandResult {
    return run(helmBinary(), args, this.helmEnv);
  }

  valueArgs(profile: Profile, sets: string[] = []): string[] {
    return [
      ...PROFILES[profile].flatMap((file) => ['-f', join(this.chartDir, file)]),
      ...sets.flatMap((set) => ['--set', set]),
    ];
  }

  lint(profile: Profile): CommandResult {
    return this.helm(['lint', '--strict', this.chartDir, ...this.valueArgs(profile)]);
  }

  /** Renders the chart as release "stadtdaten" in namespace "stadtdaten". */
  template(profile: Profile, sets: string[] = []): CommandResult {
    return this.helm([
      'template',
      'stadtdaten',
      this.chartDir,
      '--namespace',
      'stadtdaten',
      '--kube-version',
      KUBE_VERSION,
      ...this.valueArgs(profile, sets),
    ]);
  }

  /** Renders the chart and writes the manifests to a file in the workspace. */
  renderToFile(profile: Profile): { file: string; objects: KubeObject[] } {
    const rendered = this.template(profile);
    if (rendered.status !== 0) {
      throw new Error(`helm template (${profile}) failed: ${rendered.stderr}`);
    }
    const file = join(this.root, `rendered-${profile}.yaml`);
    writeFileSync(file, rendered.stdout);

    return { file, objects: parseObjects(rendered.stdout) };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Parses multi-document YAML into objects, skipping empty documents; throws on YAML errors. */
export function parseObjects(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
    if (doc.errors.length > 0) {
      throw new Error(`invalid YAML: ${doc.errors.map((error) => error.message).join('; ')}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      objects.push(value as KubeObject);
    }
  }

  return objects;
}

/** One line of schemacheck's output. */
export type SchemaResult = {
  source: string;
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  status: 'valid' | 'invalid' | 'no-schema';
  schema?: string;
  errors?: string[];
  celRules?: number;
};

/**
 * Validates manifest files with schemacheck against the Kubernetes 1.37 JSON Schemas and the
 * CRDs that install-tools.sh put under var/deploy-check.
 */
export function validateManifests(files: string[]): SchemaResult[] {
  const crdFolders = readdirSync(join(CHECK_DIR, 'crds')).map((name) => join(CHECK_DIR, 'crds', name));
  const result = run(join(CHECK_DIR, 'bin', 'schemacheck'), [
    '-core',
    join(CHECK_DIR, 'schemas', 'kubernetes'),
    ...crdFolders.flatMap((folder) => ['-crds', folder]),
    ...files,
  ]);
  if (result.status === 2) {
    throw new Error(`schemacheck could not run: ${result.stderr}`);
  }

  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SchemaResult);
}

/** Returns every *.yaml file below a folder, sorted. */
export function yamlFilesBelow(folder: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      files.push(...yamlFilesBelow(path));
    } else if (name.endsWith('.yaml') || name.endsWith('.yml')) {
      files.push(path);
    }
  }

  return files;
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** Reports whether kubectl is on PATH; it builds the kustomize overlays of k8s/ offline. */
export function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS }).status === 0;
}

import { posix } from 'node:path';
import { analyticsConfigSchema } from '@stadtdaten/analytics';
import { checkPlaintext, loadConfig } from '@stadtdaten/config';
import { ingestConfigSchema } from '@stadtdaten/ingest-gateway';
import { queryApiConfigSchema } from '@stadtdaten/query-api';
import { storageWriterConfigSchema } from '@stadtdaten/storage-writer';
import { validatorConfigSchema } from '@stadtdaten/validator';
import type { z } from 'zod';
import {
  ChartWorkspace,
  INSTALL_TIMEOUT_MS,
  type KubeObject,
  PROFILES,
  type Profile,
  SERVICE_NAMES,
  type ServiceName,
  ensureTools,
  findObject,
} from './deploy-tools';

/** The zod schema each service checks its environment against; the dashboard runs the query API. */
const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  'ingest-gateway': ingestConfigSchema as unknown as z.ZodObject,
  validator: validatorConfigSchema as unknown as z.ZodObject,
  'storage-writer': storageWriterConfigSchema as unknown as z.ZodObject,
  'query-api': queryApiConfigSchema as unknown as z.ZodObject,
  dashboard: queryApiConfigSchema as unknown as z.ZodObject,
  analytics: analyticsConfigSchema as unknown as z.ZodObject,
};

// TODO: the services' zod schemas do not declare these yet. With STADTDATEN_AVAILABLE_STORAGE_PROFILES
// a service rejects a datastream whose storage profile this deployment does not offer;
// STADTDATEN_KEK_FILE is the key-encryption key that libs/runtime requires with PostgreSQL.
// Remove each name here once the schemas declare it.
const PENDING_SETTINGS: string[] = [];

/** Values that stand in for Secret contents, by the key the chart reads. */
const SECRET_STAND_INS: Record<string, string> = {
  uri: 'postgresql://stadtdaten:stand-in@stadtdaten-postgres-rw.stadtdaten:5432/stadtdaten',
};

let workspace: ChartWorkspace;
const objectsOf = {} as Record<Profile, KubeObject[]>;

beforeAll(() => {
  ensureTools();
  workspace = new ChartWorkspace();
  for (const profile of Object.keys(PROFILES) as Profile[]) {
    objectsOf[profile] = workspace.renderToFile(profile).objects;
  }
}, INSTALL_TIMEOUT_MS);

afterAll(() => workspace?.dispose());

function containerOf(objects: KubeObject[], service: ServiceName): any {
  const deployment = findObject(objects, 'Deployment', `stadtdaten-${service}`);
  if (deployment === undefined) {
    throw new Error(`Deployment stadtdaten-${service} is not rendered`);
  }

  return deployment.spec.template.spec.containers[0];
}

/**
 * Builds the environment that the container would see, as the kubelet does: the ConfigMaps of
 * envFrom first, then env in order, expanding $(NAME) references to variables defined before.
 * Secret values become stand-ins.
 */
function containerEnvironment(objects: KubeObject[], service: ServiceName): Record<string, string> {
  const container = containerOf(objects, service);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    Object.assign(env, findObject(objects, 'ConfigMap', source.configMapRef.name)?.data ?? {});
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = String(variable.value).replace(/\$\(([A-Za-z0-9_]+)\)/g, (whole, name) => env[name] ?? whole);
    } else if (variable.valueFrom?.secretKeyRef) {
      const key = variable.valueFrom.secretKeyRef.key as string;
      env[variable.name] = SECRET_STAND_INS[key] ?? `stand-in-${key}`;
    } else if (variable.valueFrom?.fieldRef) {
      env[variable.name] = `stadtdaten-${service}-7d9f8-abcde`;
    }
  }

  return env;
}

describe('service environment', () => {
  describe.each(Object.keys(PROFILES) as Profile[])('profile %s', (profile) => {
    it.each(SERVICE_NAMES)('passes the start-up check of %s', (service) => {
      const env = containerEnvironment(objectsOf[profile], service);

      expect(() => loadConfig(SCHEMAS[service], env)).not.toThrow();
    });

    it.each(SERVICE_NAMES)('selects the production adapters for %s', (service) => {
      const config = loadConfig(SCHEMAS[service], containerEnvironment(objectsOf[profile], service)) as Record<
        string,
        unknown
      >;

      expect(config.STADTDATEN_EVENT_LOG).toBe('kafka');
      expect(config.STADTDATEN_TIMESERIES).toBe('influxdb');
      expect(config.STADTDATEN_REGISTRY).toBe('postgres');
      expect(config.STADTDATEN_AUTH).toBe('oidc');
      expect(config.STADTDATEN_MQTT).toBe(service === 'ingest-gateway' ? 'external' : 'embedded');
      expect(config.STADTDATEN_HTTP_HOST).toBe('0.0.0.0');
    });

    it.each(SERVICE_NAMES)('encrypts every channel of %s', (service) => {
      const config = loadConfig(SCHEMAS[service], containerEnvironment(objectsOf[profile], service));

      expect(config.STADTDATEN_ALLOW_PLAINTEXT).toBe(false);
      expect(checkPlaintext(config).map((channel) => channel.setting)).toEqual([]);
    });

    it.each(SERVICE_NAMES)('sets only settings %s declares', (service) => {
      const declared = Object.keys(SCHEMAS[service].shape);
      const env = containerEnvironment(objectsOf[profile], service);
      const unknown = Object.keys(env).filter(
        (name) => name.startsWith('STADTDATEN_') && !declared.includes(name) && !PENDING_SETTINGS.includes(name),
      );

      expect(unknown).toEqual([]);
    });

    it.each(SERVICE_NAMES)('mounts every file setting of %s', (service) => {
      const container = containerOf(objectsOf[profile], service);
      const deployment = findObject(objectsOf[profile], 'Deployment', `stadtdaten-${service}`)!;
      const volumes = deployment.spec.template.spec.volumes as any[];
      const env = containerEnvironment(objectsOf[profile], service);
      const fileSettings = Object.entries(env).filter(
        ([name]) => name.endsWith('_FILE') || name === 'NODE_EXTRA_CA_CERTS',
      );

      const unmounted = fileSettings
        .filter(([, path]) => !mountedFiles(container, volumes).includes(path))
        .map(([name, path]) => `${name}=${path}`);

      expect(unmounted).toEqual([]);
    });
  });

  it('expands the PostgreSQL URL with its parameters', () => {
    const env = containerEnvironment(objectsOf.darz, 'validator');

    expect(env.STADTDATEN_POSTGRES_URL).toBe(
      `${SECRET_STAND_INS.uri}?sslmode=verify-full&sslrootcert=/etc/stadtdaten/postgres/ca.crt`,
    );
  });

  it('gives each gateway pod its own MQTT client id', () => {
    const env = containerEnvironment(objectsOf.default, 'ingest-gateway');

    expect(env.STADTDATEN_MQTT_CLIENT_ID).toBe('stadtdaten-gateway-stadtdaten-ingest-gateway-7d9f8-abcde');
  });

  it('gives each query API pod its own SensorThings client id', () => {
    const env = containerEnvironment(objectsOf.default, 'query-api');

    expect(env.STADTDATEN_STA_MQTT_CLIENT_ID).toBe('stadtdaten-sta-stadtdaten-query-api-7d9f8-abcde');
  });
});

/** Paths of the files that the container's volume mounts provide from Secrets. */
function mountedFiles(container: any, volumes: any[]): string[] {
  const files: string[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((candidate) => candidate.name === mount.name);
    const sources = volume?.secret ? [volume] : (volume?.projected?.sources ?? []);
    for (const source of sources) {
      for (const item of source.secret?.items ?? []) {
        files.push(posix.join(mount.mountPath, item.path));
      }
    }
  }

  return files;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORAGE_PROFILES } from '@stadtdaten/registry';
import { STORAGE_WRITER_GROUP } from '@stadtdaten/storage-writer';
import { VALIDATOR_GROUP } from '@stadtdaten/validator';
import { parse } from 'yaml';
import {
  CHART_DIR,
  ChartWorkspace,
  INSTALL_TIMEOUT_MS,
  type KubeObject,
  PROFILES,
  type Profile,
  REPO_ROOT,
  type SchemaResult,
  SERVICE_NAMES,
  ensureTools,
  findObject,
  parseObjects,
  validateManifests,
} from './deploy-tools';

const PROFILE_NAMES = Object.keys(PROFILES) as Profile[];

// NOTE: no offline schema exists for the Secrets Store CSI driver's SecretProviderClass (its Go
// module is not served by the Go module proxy), so the Azure profile's one is not validated.
const KINDS_WITHOUT_SCHEMA = ['secrets-store.csi.x-k8s.io/v1/SecretProviderClass'];

type Rendered = { file: string; objects: KubeObject[] };

let workspace: ChartWorkspace;
const rendered = {} as Record<Profile, Rendered>;

beforeAll(() => {
  ensureTools();
  workspace = new ChartWorkspace();
  for (const profile of PROFILE_NAMES) {
    rendered[profile] = workspace.renderToFile(profile);
  }
}, INSTALL_TIMEOUT_MS);

afterAll(() => workspace?.dispose());

/** Merges the values files of a profile as helm does: maps key by key, lists and scalars replaced. */
function profileValues(profile: Profile): any {
  const files = ['values.yaml', ...PROFILES[profile]];

  return files.map((file) => parse(readFileSync(join(CHART_DIR, file), 'utf8'))).reduce(mergeValues);
}

function mergeValues(base: any, override: any): any {
  const isMap = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMap(base) || !isMap(override)) {
    return override;
  }
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? mergeValues(base[key], value) : value;
  }

  return merged;
}

function deployments(objects: KubeObject[]): KubeObject[] {
  return objects.filter((object) => object.kind === 'Deployment');
}

function configOf(objects: KubeObject[], service: string): Record<string, string> {
  return findObject(objects, 'ConfigMap', `stadtdaten-${service}`)?.data ?? {};
}

describe('stadtdaten chart', () => {
  describe.each(PROFILE_NAMES)('profile %s', (profile) => {
    it('passes helm lint', () => {
      const lint = workspace.lint(profile);

      expect(lint.stderr + lint.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
      expect(lint.status).toBe(0);
    });

    it('renders schema-valid manifests', () => {
      const results = validateManifests([rendered[profile].file]);
      const invalid = results.filter((result) => result.status === 'invalid');
      const unknown = results.filter(
        (result) => result.status === 'no-schema' && !KINDS_WITHOUT_SCHEMA.includes(`${result.apiVersion}/${result.kind}`),
      );

      expect(results).toHaveLength(rendered[profile].objects.length);
      expect(invalid.map((result: SchemaResult) => `${result.kind}/${result.name}: ${result.errors}`)).toEqual([]);
      expect(unknown.map((result) => `${result.apiVersion}/${result.kind}`)).toEqual([]);
    });

    it('renders the objects of every service', () => {
      const kinds = ['Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy'];
      const missing = SERVICE_NAMES.flatMap((service) =>
        kinds
          .filter((kind) => findObject(rendered[profile].objects, kind, `stadtdaten-${service}`) === undefined)
          .map((kind) => `${kind}/stadtdaten-${service}`),
      );

      expect(missing).toEqual([]);
    });

    it('references secrets without rendering any', () => {
      expect(rendered[profile].objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    });

    it('runs every pod under the restricted policy', () => {
      const violations: string[] = [];
      for (const deployment of deployments(rendered[profile].objects)) {
        const pod = deployment.spec.template.spec;
        const name = deployment.metadata.name;
        if (pod.securityContext?.runAsNonRoot !== true) violations.push(`${name}: runAsNonRoot`);
        if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') violations.push(`${name}: seccomp`);
        if (pod.automountServiceAccountToken !== false) violations.push(`${name}: service account token`);
        for (const container of pod.containers) {
          const security = container.securityContext ?? {};
          if (security.allowPrivilegeEscalation !== false) violations.push(`${name}: privilege escalation`);
          if (security.readOnlyRootFilesystem !== true) violations.push(`${name}: writable root filesystem`);
          if (JSON.stringify(security.capabilities?.drop) !== '["ALL"]') violations.push(`${name}: capabilities`);
        }
      }

      expect(violations).toEqual([]);
    });

    it('probes health and limits resources', () => {
      const problems: string[] = [];
      for (const deployment of deployments(rendered[profile].objects)) {
        const container = deployment.spec.template.spec.containers[0];
        const name = deployment.metadata.name;
        if (container.livenessProbe?.httpGet?.path !== '/health/live') problems.push(`${name}: liveness probe`);
        if (container.readinessProbe?.httpGet?.path !== '/health/ready') problems.push(`${name}: readiness probe`);
        for (const kind of ['requests', 'limits']) {
          if (!container.resources?.[kind]?.cpu || !container.resources?.[kind]?.memory) {
            problems.push(`${name}: ${kind}`);
          }
        }
      }

      expect(problems).toEqual([]);
    });

    it('passes the residency labels to every service', () => {
      const expected = profileValues(profile).storageProfiles.available as string[];

      for (const service of SERVICE_NAMES) {
        const labels = configOf(rendered[profile].objects, service).STADTDATEN_AVAILABLE_STORAGE_PROFILES;

        expect(labels?.split(',')).toEqual(expected);
      }
      expect(expected.filter((label) => !(STORAGE_PROFILES as readonly string[]).includes(label))).toEqual([]);
    });
  });

  describe('autoscaling', () => {
    it('scales every service but analytics on CPU by default', () => {
      const objects = rendered.default.objects;

      for (const service of SERVICE_NAMES.filter((name) => name !== 'analytics')) {
        expect(findObject(objects, 'HorizontalPodAutoscaler', `stadtdaten-${service}`)).toBeDefined();
      }
      expect(objects.filter((object) => object.kind === 'ScaledObject')).toEqual([]);
    });

    it.each(PROFILE_NAMES)('runs analytics as one pod in profile %s', (profile) => {
      const objects = rendered[profile].objects;
      const deployment = findObject(objects, 'Deployment', 'stadtdaten-analytics');

      expect(deployment?.spec.replicas).toBe(1);
      expect(deployment?.spec.strategy).toEqual({ type: 'Recreate' });
      expect(findObject(objects, 'HorizontalPodAutoscaler', 'stadtdaten-analytics')).toBeUndefined();
      expect(findObject(objects, 'ScaledObject', 'stadtdaten-analytics')).toBeUndefined();
    });

    it('scales consumers on lag with KEDA', () => {
      const objects = rendered.darz.objects;
      const partitions = profileValues('darz').kafka.partitions;
      const groups = { validator: VALIDATOR_GROUP, 'storage-writer': STORAGE_WRITER_GROUP };

      for (const [service, group] of Object.entries(groups)) {
        const scaled = findObject(objects, 'ScaledObject', `stadtdaten-${service}`);

        expect(scaled?.spec.triggers[0].metadata.consumerGroup).toBe(group);
        expect(scaled?.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
        expect(findObject(objects, 'HorizontalPodAutoscaler', `stadtdaten-${service}`)).toBeUndefined();
        expect(scaled?.spec.triggers[0].authenticationRef.name).toBe(`stadtdaten-${service}-kafka`);
        expect(findObject(objects, 'TriggerAuthentication', `stadtdaten-${service}-kafka`)).toBeDefined();
      }
    });

    it('creates ServiceMonitors only when enabled', () => {
      expect(rendered.darz.objects.filter((object) => object.kind === 'ServiceMonitor')).toHaveLength(SERVICE_NAMES.length);
      expect(rendered.default.objects.filter((object) => object.kind === 'ServiceMonitor')).toEqual([]);
    });
  });

  describe('network policies', () => {
    const policy = (service: string) => findObject(rendered.default.objects, 'NetworkPolicy', `stadtdaten-${service}`)!;
    const egressPorts = (service: string) =>
      policy(service).spec.egress.flatMap((rule: any) => rule.ports.map((port: any) => port.port)) as number[];
    const values = () => profileValues('default');

    it('denies all traffic of the release by default', () => {
      const deny = findObject(rendered.default.objects, 'NetworkPolicy', 'stadtdaten-default-deny');

      expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(deny?.spec.ingress).toBeUndefined();
      expect(deny?.spec.egress).toBeUndefined();
      expect(deny?.spec.podSelector.matchLabels).toEqual({
        'app.kubernetes.io/instance': 'stadtdaten',
        'app.kubernetes.io/part-of': 'stadtdaten',
      });
    });

    it('admits the ingress controller to public services only', () => {
      const controller = values().ingress.controllerNamespaceSelector;
      const admitsController = (service: string) =>
        policy(service).spec.ingress.some((rule: any) =>
          rule.from.some((peer: any) => JSON.stringify(peer.namespaceSelector?.matchLabels) === JSON.stringify(controller)),
        );

      expect(SERVICE_NAMES.filter(admitsController)).toEqual(['ingest-gateway', 'query-api', 'dashboard', 'analytics']);
    });

    it('lets only the gateway and analytics reach the MQTT broker', () => {
      const mqttPort = values().mqtt.networkPolicy.ports[0];

      expect(SERVICE_NAMES.filter((service) => egressPorts(service).includes(mqttPort))).toEqual(['ingest-gateway', 'analytics']);
    });

    it('lets only the query API reach the SensorThings broker', () => {
      const broker = values().sensorThingsMqtt.networkPolicy;
      const reachesBroker = (service: string) =>
        policy(service).spec.egress.some(
          (rule: any) =>
            JSON.stringify(rule.to) === JSON.stringify(broker.peers) &&
            JSON.stringify(rule.ports.map((port: any) => port.port)) === JSON.stringify(broker.ports),
        );

      expect(SERVICE_NAMES.filter(reachesBroker)).toEqual(['query-api']);
    });

    it('lets analytics reach webhook receivers only where listed', () => {
      const webhookPort = values().webhooks.networkPolicy.ports[0];
      const withWebhooks = workspace.template('default', ['services.analytics.egressTo={kafka,postgres,influxdb,oidc,mqtt,webhooks}']);
      const listed = findObject(parseObjects(withWebhooks.stdout), 'NetworkPolicy', 'stadtdaten-analytics')!;
      const rule = listed.spec.egress.find((entry: any) => entry.ports.some((port: any) => port.port === webhookPort));

      expect(SERVICE_NAMES.filter((service) => egressPorts(service).includes(webhookPort))).toEqual([]);
      expect(rule.to).toEqual(values().webhooks.networkPolicy.peers);
    });

    it('lets token-checking services reach Keycloak', () => {
      const keycloakPort = values().oidc.networkPolicy.ports[0];

      expect(SERVICE_NAMES.filter((service) => egressPorts(service).includes(keycloakPort))).toEqual([
        'ingest-gateway',
        'query-api',
        'dashboard',
        'analytics',
      ]);
    });

    it('lets every service reach DNS and Kafka', () => {
      const kafkaPort = values().kafka.networkPolicy.ports[0];

      for (const service of SERVICE_NAMES) {
        expect(egressPorts(service)).toEqual(expect.arrayContaining([53, kafkaPort]));
      }
    });
  });

  describe('ingress', () => {
    type Route = { path: string; pathType: string; backend: { service: { name: string } } };
    const routes = () =>
      findObject(rendered.default.objects, 'Ingress', 'stadtdaten')!.spec.rules[0].http.paths as Route[];

    /** Returns the backend of a request path: an exact match, else the longest matching prefix. */
    function backendOf(requestPath: string): string | undefined {
      const exact = routes().find((route) => route.pathType === 'Exact' && route.path === requestPath);
      if (exact) {
        return exact.backend.service.name;
      }
      const prefixes = routes()
        .filter((route) => route.pathType === 'Prefix')
        .filter((route) => requestPath === route.path || requestPath.startsWith(`${route.path.replace(/\/$/, '')}/`))
        .sort((a, b) => b.path.length - a.path.length);

      return prefixes[0]?.backend.service.name;
    }

    it('routes the API, ingest and pages', () => {
      expect(backendOf('/api/v1/tenants/darmstadt/latest')).toBe('stadtdaten-query-api');
      expect(backendOf('/api/v1/ingest')).toBe('stadtdaten-ingest-gateway');
      expect(backendOf('/api/v1/jobs')).toBe('stadtdaten-analytics');
      expect(backendOf('/api/v1/quality/sensor-1')).toBe('stadtdaten-analytics');
      expect(backendOf('/api/v1/qualityx')).toBe('stadtdaten-query-api');
      expect(backendOf('/')).toBe('stadtdaten-dashboard');
    });

    it('routes every dashboard file', () => {
      const publicDir = join(REPO_ROOT, 'services', 'dashboard', 'public');
      const entries = readdirSync(publicDir, { withFileTypes: true });
      const paths = entries.map((entry) => (entry.isDirectory() ? `/${entry.name}/any.js` : `/${entry.name}`));

      expect(paths.filter((path) => backendOf(path) !== 'stadtdaten-dashboard')).toEqual([]);
      expect(backendOf('/vendor/leaflet/leaflet.js')).toBe('stadtdaten-dashboard');
      expect(backendOf('/config.js')).toBe('stadtdaten-dashboard');
    });

    it('keeps metrics and health inside the cluster', () => {
      expect(backendOf('/metrics')).toBeUndefined();
      expect(backendOf('/health/ready')).toBeUndefined();
    });
  });

  describe('analytics', () => {
    it('mounts the analytics file from its Secret', () => {
      const result = workspace.template('default', ['services.analytics.analyticsFileSecret.name=stadtdaten-analytics-file']);
      const objects = parseObjects(result.stdout);
      const pod = findObject(objects, 'Deployment', 'stadtdaten-analytics')!.spec.template.spec;
      const volume = pod.volumes.find((entry: any) => entry.secret?.secretName === 'stadtdaten-analytics-file');
      const mount = pod.containers[0].volumeMounts.find((entry: any) => entry.name === volume?.name);

      expect(configOf(objects, 'analytics').STADTDATEN_ANALYTICS_FILE).toBe('/etc/stadtdaten/analytics/analytics.yaml');
      expect(volume.secret.items).toEqual([{ key: 'analytics.yaml', path: 'analytics.yaml' }]);
      expect(mount.mountPath).toBe('/etc/stadtdaten/analytics');
    });

    it('sends no MQTT messages without a client certificate', () => {
      const result = workspace.template('default', ['services.analytics.mqttClientCertificateSecret=']);
      const objects = parseObjects(result.stdout);
      const pod = findObject(objects, 'Deployment', 'stadtdaten-analytics')!.spec.template.spec;

      expect(configOf(objects, 'analytics').STADTDATEN_ANALYTICS_MQTT_URL).toBeUndefined();
      expect(pod.containers[0].volumeMounts.map((entry: any) => entry.mountPath)).not.toContain('/etc/stadtdaten/mqtt');
    });
  });

  describe('sensorthings mqtt', () => {
    const podOf = (objects: KubeObject[], service: string) =>
      findObject(objects, 'Deployment', `stadtdaten-${service}`)!.spec.template.spec;

    it('publishes with the query API certificate', () => {
      const values = profileValues('default');
      const config = configOf(rendered.default.objects, 'query-api');
      const pod = podOf(rendered.default.objects, 'query-api');
      const volume = pod.volumes.find((entry: any) => entry.name === 'mqtt-tls');
      const clientId = pod.containers[0].env.find(
        (entry: any) => entry.name === 'STADTDATEN_STA_MQTT_CLIENT_ID',
      );

      expect(config.STADTDATEN_STA_MQTT_URL).toBe(values.sensorThingsMqtt.url);
      expect(config.STADTDATEN_STA_MQTT_URL).not.toBe(values.mqtt.url);
      expect(config.STADTDATEN_STA_MQTT_CERT_FILE).toBe('/etc/stadtdaten/mqtt/tls.crt');
      expect(volume.secret.secretName).toBe(values.services['query-api'].mqttClientCertificateSecret);
      expect(clientId.value).toBe('stadtdaten-sta-$(POD_NAME)');
    });

    it('leaves the dashboard process without a publisher', () => {
      const pod = podOf(rendered.default.objects, 'dashboard');

      expect(configOf(rendered.default.objects, 'dashboard').STADTDATEN_STA_MQTT_URL).toBeUndefined();
      expect(pod.volumes.map((entry: any) => entry.name)).not.toContain('mqtt-tls');
    });

    it('sends none without a client certificate', () => {
      const result = workspace.template('default', ['services.query-api.mqttClientCertificateSecret=']);
      const objects = parseObjects(result.stdout);
      const pod = podOf(objects, 'query-api');

      expect(configOf(objects, 'query-api').STADTDATEN_STA_MQTT_URL).toBeUndefined();
      expect(pod.containers[0].env.map((entry: any) => entry.name)).not.toContain(
        'STADTDATEN_STA_MQTT_CLIENT_ID',
      );
      expect(pod.containers[0].volumeMounts.map((entry: any) => entry.mountPath)).not.toContain(
        '/etc/stadtdaten/mqtt',
      );
    });
  });

  describe('values checks', () => {
    it.each([
      ['storageProfiles.available={us}', "at '/storageProfiles/available/0': value must be one of"],
      ['kafka.partitions=0', "at '/kafka/partitions': minimum: got 0, want 1"],
      ['containerSecurityContext.readOnlyRootFilesystem=false', "at '/containerSecurityContext/readOnlyRootFilesystem'"],
      ['services.validator.egressTo={kafka,redis}', "at '/services/validator/egressTo/1'"],
      ['services.query-api.replicas=3', "additional properties 'replicas' not allowed"],
      ['oidc.issuer=http://keycloak.local', "at '/oidc/issuer'"],
      ['image.pullPolicy=Sometimes', "at '/image/pullPolicy'"],
      ['services.dashboard.dashboardTenant=Darmstadt', "at '/services/dashboard/dashboardTenant'"],
      ['azureKeyVault.enabled=true', "at '/azureKeyVault/keyVaultName'"],
      ['kafka.bootstrapServers={kafka}', "at '/kafka/bootstrapServers/0'"],
      ['services.analytics.replicaCount=2', "at '/services/analytics/replicaCount': maximum: got 2, want 1"],
      ['services.analytics.autoscaling.enabled=true', "at '/services/analytics/autoscaling/enabled'"],
    ])('rejects %s', (set, message) => {
      const result = workspace.template('default', [set]);

      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(message);
    });

    it('rejects more consumers than partitions', () => {
      const result = workspace.template('default', ['services.validator.autoscaling.maxReplicas=7']);

      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('services.validator.autoscaling.maxReplicas (7) is larger than kafka.partitions (6)');
    });

    it('rejects SensorThings MQTT without broker egress', () => {
      const result = workspace.template('default', [
        'services.query-api.egressTo={kafka,postgres,influxdb,oidc,mqtt}',
      ]);

      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        'services.query-api.mqttClientCertificateSecret is set but services.query-api.egressTo lacks "sensorthings-mqtt"',
      );
    });

    it('rejects SASL/PLAIN without user name', () => {
      const result = workspace.template('default', ['kafka.authentication.type=plain']);

      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('kafka.authentication.type=plain needs kafka.authentication.username');
    });
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TopicKind, topicName } from '@stadtdaten/contracts';
import { parse } from 'yaml';
import {
  CHART_DIR,
  INSTALL_TIMEOUT_MS,
  K8S_DIR,
  type KubeObject,
  REPO_ROOT,
  SERVICE_NAMES,
  ensureTools,
  findObject,
  hasKubectl,
  parseObjects,
  run,
  validateManifests,
  yamlFilesBelow,
} from './deploy-tools';

// NOTE: no offline schema exists for these kinds: CloudNativePG and its Barman Cloud plugin
// are not served by the Go module proxy, and the Keycloak operator's CRDs are in no package
// of the reachable registries. Their fields are checked here only where a test below reads
// them; kustomization.yaml files are checked by building the overlays.
const KINDS_WITHOUT_SCHEMA = [
  'kustomize.config.k8s.io/v1beta1/Kustomization',
  'postgresql.cnpg.io/v1/Cluster',
  'postgresql.cnpg.io/v1/ScheduledBackup',
  'barmancloud.cnpg.io/v1/ObjectStore',
  'k8s.keycloak.org/v2alpha1/Keycloak',
  'k8s.keycloak.org/v2alpha1/KeycloakRealmImport',
];

const DEV_REALM_FILE = join(REPO_ROOT, 'tools', 'dev-services', 'keycloak', 'realm-stadtdaten.json');
const DEV_MOSQUITTO_FILE = join(REPO_ROOT, 'tools', 'dev-services', 'services', 'mosquitto.mjs');
const DEV_MOSQUITTO_SENSORTHINGS_FILE = join(REPO_ROOT, 'tools', 'dev-services', 'services', 'mosquitto-sensorthings.mjs');

const itWithKubectl = hasKubectl() ? it : it.skip;

let objects: KubeObject[];

beforeAll(() => {
  ensureTools();
  objects = yamlFilesBelow(K8S_DIR).flatMap((file) => parseObjects(readFileSync(file, 'utf8')));
}, INSTALL_TIMEOUT_MS);

function ofKind(kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

function chartValues(file: string): any {
  return parse(readFileSync(join(CHART_DIR, file), 'utf8'));
}

describe('k8s manifests', () => {
  it('are valid against their schemas', () => {
    const results = validateManifests(yamlFilesBelow(K8S_DIR));
    const invalid = results.filter((result) => result.status === 'invalid');
    const unknown = results.filter(
      (result) => result.status === 'no-schema' && !KINDS_WITHOUT_SCHEMA.includes(`${result.apiVersion}/${result.kind}`),
    );

    expect(invalid.map((result) => `${result.source}: ${result.kind}/${result.name}: ${result.errors}`)).toEqual([]);
    expect(unknown.map((result) => `${result.source}: ${result.apiVersion}/${result.kind}`)).toEqual([]);
    expect(results.filter((result) => result.status === 'valid').length).toBeGreaterThan(20);
  });

  it('list only files that exist in each kustomization', () => {
    const missing = yamlFilesBelow(K8S_DIR)
      .filter((file) => file.endsWith('kustomization.yaml'))
      .flatMap((file) =>
        (parse(readFileSync(file, 'utf8')).resources as string[])
          .map((resource) => join(dirname(file), resource))
          .filter((path) => !existsSync(path)),
      );

    expect(missing).toEqual([]);
  });

  it('hold no Secret objects', () => {
    expect(ofKind('Secret')).toEqual([]);
  });

  it('enforce the restricted pod security standard', () => {
    const namespace = findObject(objects, 'Namespace', 'stadtdaten');

    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  describe('overlays', () => {
    let folder: string;
    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), 'stadtdaten-k8s-'));
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    function build(overlay: string): { file: string; objects: KubeObject[] } {
      const built = run('kubectl', ['kustomize', join(K8S_DIR, overlay)]);
      if (built.status !== 0) {
        throw new Error(`kubectl kustomize k8s/${overlay} failed: ${built.stderr}`);
      }
      const file = join(folder, `${overlay}.yaml`);
      writeFileSync(file, built.stdout);

      return { file, objects: parseObjects(built.stdout) };
    }

    // NOTE: without kubectl on PATH the overlays are not built; the files they list are still validated above.
    itWithKubectl.each(['darz', 'azure'])('builds %s into valid manifests', (overlay) => {
      const built = build(overlay);
      const results = validateManifests([built.file]);

      expect(results.filter((result) => result.status === 'invalid').map((result) => result.errors)).toEqual([]);
      expect(findObject(built.objects, 'Kafka', 'stadtdaten-kafka')).toBeDefined();
    });

    itWithKubectl('uses Azure Database for PostgreSQL on Azure', () => {
      const built = build('azure').objects;
      const realm = findObject(built, 'KeycloakRealmImport', 'stadtdaten-realm')!.spec.realm;
      const dashboard = realm.clients.find((client: any) => client.clientId === 'dashboard');

      expect(built.filter((object) => object.apiVersion.startsWith('postgresql.cnpg.io/'))).toEqual([]);
      expect(findObject(built, 'Keycloak', 'stadtdaten-keycloak')?.spec.db.host).toMatch(/\.postgres\.database\.azure\.com$/);
      expect(dashboard.redirectUris).toEqual([`https://${chartValues('values-azure.yaml').ingress.host}/*`]);
      expect(findObject(built, 'StorageClass', 'stadtdaten-encrypted')?.parameters).toMatchObject({
        diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
      });
    });
  });

  describe('kafka', () => {
    const topics = () => ofKind('KafkaTopic');

    it('creates every topic of each tenant', () => {
      const tenants = [...new Set(topics().map((topic) => topic.metadata.labels?.['stadtdaten/tenant']))];
      const expected = tenants.flatMap((tenant) => Object.values(TopicKind).map((kind) => topicName(tenant!, kind)));

      expect(tenants).toEqual(['darmstadt', 'heag']);
      expect(topics().map((topic) => topic.spec.topicName).sort()).toEqual(expected.sort());
    });

    it('matches the partitions of the DARZ profile', () => {
      const partitions = chartValues('values-darz.yaml').kafka.partitions;

      expect(topics().filter((topic) => topic.spec.partitions !== partitions)).toEqual([]);
      expect(topics().filter((topic) => topic.spec.config['min.insync.replicas'] >= topic.spec.replicas)).toEqual([]);
    });

    it('has a user for every service', () => {
      const defaults = chartValues('values.yaml');
      const users = ofKind('KafkaUser').map((user) => user.metadata.name);

      for (const service of SERVICE_NAMES) {
        expect(users).toContain(defaults.services[service].kafkaUserSecret);
      }
    });

    it('logs users in with the mechanism the chart uses', () => {
      const mechanism = chartValues('values-darz.yaml').kafka.authentication.type;
      const kafka = findObject(objects, 'Kafka', 'stadtdaten-kafka')!;

      expect(kafka.spec.kafka.listeners[0].authentication.type).toBe(mechanism);
      expect(ofKind('KafkaUser').filter((user) => user.spec.authentication.type !== mechanism)).toEqual([]);
    });

    it('limits analysts to the observations of their tenant', () => {
      const analysts = ofKind('KafkaUser').filter((user) => user.metadata.labels?.['stadtdaten/tenant']);
      const outside = analysts.flatMap((user) => {
        const tenant = user.metadata.labels!['stadtdaten/tenant'];
        const allowed = [topicName(tenant, TopicKind.OBSERVATIONS), topicName(tenant, TopicKind.DERIVED)];

        return user.spec.authorization.acls
          .filter((acl: any) => acl.resource.type === 'topic' && !allowed.includes(acl.resource.name))
          .map((acl: any) => `${user.metadata.name}: ${acl.resource.name}`);
      });

      expect(analysts.length).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    });

    it('names the listener certificate the chart trusts', () => {
      const certificate = findObject(objects, 'Certificate', 'stadtdaten-kafka-listener')!;
      const kafka = findObject(objects, 'Kafka', 'stadtdaten-kafka')!;

      expect(chartValues('values-darz.yaml').kafka.tls.caSecret.name).toBe(certificate.spec.secretName);
      expect(kafka.spec.kafka.listeners[0].configuration.brokerCertChainAndKey.secretName).toBe(certificate.spec.secretName);
    });
  });

  describe('keycloak realm', () => {
    const devRealm = JSON.parse(readFileSync(DEV_REALM_FILE, 'utf8'));
    const realmImport = () => findObject(objects, 'KeycloakRealmImport', 'stadtdaten-realm')!;
    const clientIds = (realm: any) => realm.clients.map((client: any) => client.clientId);

    it('has the roles and clients of the development realm', () => {
      const realm = realmImport().spec.realm;

      expect(realm.realm).toBe(devRealm.realm);
      expect(realm.roles).toEqual(devRealm.roles);
      expect(clientIds(realm)).toEqual(clientIds(devRealm));
      expect(realm.clients.map((client: any) => client.protocolMappers)).toEqual(
        devRealm.clients.map((client: any) => client.protocolMappers),
      );
      expect(realm.components).toEqual(devRealm.components);
    });

    it('holds no users and no passwords', () => {
      const realm = realmImport().spec.realm;

      expect(realm.users).toBeUndefined();
      expect(JSON.stringify(realm)).not.toMatch(/"credentials"|test-only/);
    });

    it('takes every client secret from a Secret', () => {
      const { realm, placeholders } = realmImport().spec;
      const secrets = realm.clients.filter((client: any) => client.secret !== undefined);

      expect(secrets.length).toBeGreaterThan(0);
      for (const client of secrets) {
        const placeholder = /^\$\{([A-Z0-9_]+)\}$/.exec(client.secret)?.[1];

        expect(placeholder).toBeDefined();
        expect(placeholders[placeholder!].secret.name).toBe('stadtdaten-keycloak-clients');
      }
    });

    it('allows no password grant', () => {
      const realm = realmImport().spec.realm;

      expect(realm.clients.filter((client: any) => client.directAccessGrantsEnabled === true)).toEqual([]);
      expect(realm.sslRequired).toBe('all');
    });
  });

  /** Lines of a Mosquitto file without blank lines and comments. */
  const rules = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));

  /** Settings of each listener of a mosquitto.conf, keyed by its port. Settings above the first listener are under 0. */
  const listeners = (conf: string) => {
    const sections = new Map<number, string[]>([[0, []]]);
    let port = 0;
    for (const line of rules(conf)) {
      if (line.startsWith('listener ')) {
        port = Number(line.split(' ')[1]);
        sections.set(port, []);
      } else {
        sections.get(port)!.push(line);
      }
    }

    return sections;
  };

  /**
   * Returns the template literal after `start` (e.g. `const ACL = `) in a dev-services source file, with
   * each `${<NAME>_USERNAME}` and `${<NAME>_PORT}` replaced by the constant's value from any of
   * the dev-services Mosquitto files.
   */
  const devTemplate = (file: string, start: string) => {
    const sources = [DEV_MOSQUITTO_FILE, DEV_MOSQUITTO_SENSORTHINGS_FILE].map((path) =>
      readFileSync(path, 'utf8'),
    );
    const constants = new Map(
      sources.flatMap((source) =>
        [...source.matchAll(/const (\w+_(?:USERNAME|PORT)) = '?([^';]+)'?;/g)].map(
          (match) => [match[1], match[2]] as const,
        ),
      ),
    );

    return new RegExp(`${start}\`([\\s\\S]*?)\`;`)
      .exec(readFileSync(file, 'utf8'))![1]
      .replace(/\$\{(\w+_(?:USERNAME|PORT))\}/g, (whole, name: string) => constants.get(name) ?? whole);
  };

  /** A listener setting without its file path, which differs between the pod and the dev machine. */
  const withoutPath = (line: string) => line.replace(/ (\/|\$\{).*$/, '');

  describe('mosquitto', () => {
    const config = () => findObject(objects, 'ConfigMap', 'mosquitto')!.data!;

    it('uses the ACL rules of the development broker', () => {
      expect(rules(config().acl)).toEqual(rules(devTemplate(DEV_MOSQUITTO_FILE, 'const ACL = ')));
    });

    it('requires client certificates on its only listener', () => {
      const settings = rules(config()['mosquitto.conf']);

      expect(settings.filter((line) => line.startsWith('listener '))).toEqual(['listener 8883']);
      expect(settings).toEqual(expect.arrayContaining(['require_certificate true', 'use_identity_as_username true', 'allow_anonymous false']));
    });

    it('accepts connections on 8883 only', () => {
      const external = findObject(objects, 'Service', 'mosquitto-public')!;
      const policy = findObject(objects, 'NetworkPolicy', 'mosquitto')!;

      expect(external.spec.ports.map((port: any) => port.port)).toEqual([8883]);
      expect(policy.spec.ingress.flatMap((rule: any) => rule.ports.map((port: any) => port.port))).toEqual([
        8883,
      ]);
    });

    it('gives the gateway the user name of its ACL', () => {
      const certificate = findObject(objects, 'Certificate', 'stadtdaten-gateway-mqtt')!;

      expect(config().acl).toContain(`user ${certificate.spec.commonName}`);
      expect(chartValues('values.yaml').mqtt.clientCertificateSecret).toBe(certificate.spec.secretName);
    });

    it('lets analytics write quality messages only', () => {
      const certificate = findObject(objects, 'Certificate', 'stadtdaten-analytics-mqtt')!;
      const lines = rules(config().acl);
      const start = lines.indexOf(`user ${certificate.spec.commonName}`);
      const next = lines.findIndex((line, index) => index > start && line.startsWith('user '));

      expect(start).toBeGreaterThanOrEqual(0);
      expect(lines.slice(start + 1, next < 0 ? undefined : next)).toEqual(['topic write stadtdaten/+/quality/#']);
      expect(chartValues('values.yaml').services.analytics.mqttClientCertificateSecret).toBe(certificate.spec.secretName);
    });
  });

  describe('mosquitto-sensorthings', () => {
    const config = () => findObject(objects, 'ConfigMap', 'mosquitto-sensorthings')!.data!;
    const devConfig = () =>
      listeners(
        devTemplate(DEV_MOSQUITTO_SENSORTHINGS_FILE, 'function mosquittoConfig\\([^)]*\\) \\{\\s*return '),
      );
    const publisherLabels = {
      'app.kubernetes.io/name': 'query-api',
      'app.kubernetes.io/part-of': 'stadtdaten',
    };

    it.each([
      ['acl', 'const ACL = '],
      ['acl-public', 'const PUBLIC_ACL = '],
    ])('uses the %s rules of the development broker', (key, constant) => {
      expect(rules(config()[key])).toEqual(rules(devTemplate(DEV_MOSQUITTO_SENSORTHINGS_FILE, constant)));
    });

    it.each([
      [8885, 18885],
      [8884, 18884],
    ])('configures listener %i as the development broker does on %i', (port, devPort) => {
      expect(listeners(config()['mosquitto.conf']).get(port)!.map(withoutPath)).toEqual(
        devConfig().get(devPort)!.map(withoutPath),
      );
    });

    it('sets access rules per listener', () => {
      const sections = listeners(config()['mosquitto.conf']);

      expect(sections.get(0)).toContain('per_listener_settings true');
      expect(
        sections.get(0)!.filter((line) => /^(allow_anonymous|acl_file|password_file) /.test(line)),
      ).toEqual([]);
      expect([...sections.keys()]).toEqual([0, 8885, 8884]);
    });

    it('requires client certificates on 8885', () => {
      expect(listeners(config()['mosquitto.conf']).get(8885)).toEqual(
        expect.arrayContaining([
          'allow_anonymous false',
          'acl_file /mosquitto/config/acl',
          'require_certificate true',
          'use_identity_as_username true',
        ]),
      );
    });

    it('lets clients without certificate only read on 8884', () => {
      const publicListener = listeners(config()['mosquitto.conf']).get(8884)!;

      expect(publicListener).toEqual(
        expect.arrayContaining([
          'allow_anonymous true',
          'acl_file /mosquitto/config/acl-public',
          'require_certificate false',
        ]),
      );
      expect(publicListener.filter((line) => line.startsWith('use_'))).toEqual([]);
      expect(rules(config()['acl-public'])).toEqual(['pattern read v1.1/#']);
    });

    it('lets the query API write SensorThings messages only', () => {
      const certificate = findObject(objects, 'Certificate', 'stadtdaten-sensorthings-mqtt')!;

      expect(rules(config().acl)).toEqual([`user ${certificate.spec.commonName}`, 'topic write v1.1/#']);
      expect(chartValues('values.yaml').services['query-api'].mqttClientCertificateSecret).toBe(
        certificate.spec.secretName,
      );
    });

    it('exposes only 8884 outside the cluster', () => {
      const external = findObject(objects, 'Service', 'mosquitto-sensorthings-public')!;
      const internal = findObject(objects, 'Service', 'mosquitto-sensorthings')!;

      expect(external.spec.type).toBe('LoadBalancer');
      expect(external.spec.ports.map((port: any) => port.port)).toEqual([8884]);
      expect(internal.spec.type).toBe('ClusterIP');
      expect(internal.spec.ports.map((port: any) => port.port)).toEqual([8885]);
    });

    it('admits anyone on 8884 and the query API on 8885', () => {
      const policy = findObject(objects, 'NetworkPolicy', 'mosquitto-sensorthings')!;
      const [anyone, publisher] = policy.spec.ingress;

      expect(policy.spec.ingress).toHaveLength(2);
      expect(anyone.from).toBeUndefined();
      expect(anyone.ports.map((port: any) => port.port)).toEqual([8884]);
      expect(publisher.from).toEqual([{ podSelector: { matchLabels: publisherLabels } }]);
      expect(publisher.ports.map((port: any) => port.port)).toEqual([8885]);
      expect(policy.spec.egress).toEqual([]);
    });

    it('is the broker that the chart sends the query API to', () => {
      const broker = chartValues('values.yaml').sensorThingsMqtt;
      const deployment = findObject(objects, 'Deployment', 'mosquitto-sensorthings')!;
      const internal = findObject(objects, 'Service', 'mosquitto-sensorthings')!;
      const server = findObject(objects, 'Certificate', 'stadtdaten-mosquitto-sensorthings-server')!;
      const host = `${internal.metadata.name}.${internal.metadata.namespace}.svc`;

      expect(broker.url).toBe(`mqtts://${host}:${internal.spec.ports[0].port}`);
      expect(broker.networkPolicy.ports).toEqual([internal.spec.ports[0].port]);
      expect(broker.networkPolicy.peers).toEqual([
        { podSelector: { matchLabels: deployment.spec.template.metadata.labels } },
      ]);
      expect(server.spec.dnsNames).toContain(host);
      expect(
        deployment.spec.template.spec.volumes.find((volume: any) => volume.name === 'certs').secret
          .secretName,
      ).toBe(server.spec.secretName);
    });
  });

  describe('postgres', () => {
    it('backs up every cluster daily', () => {
      const clusters = objects.filter((object) => object.apiVersion === 'postgresql.cnpg.io/v1' && object.kind === 'Cluster');
      const scheduled = ofKind('ScheduledBackup').map((backup) => backup.spec.cluster.name);

      expect(clusters.map((cluster) => cluster.metadata.name).sort()).toEqual(scheduled.sort());
      for (const cluster of clusters) {
        expect(cluster.spec.plugins[0].isWALArchiver).toBe(true);
      }
    });

    it('provides the Secrets the DARZ profile reads', () => {
      const values = chartValues('values-darz.yaml');
      const cluster = values.postgres.existingSecret.name.replace(/-app$/, '');

      expect(findObject(objects, 'Cluster', cluster)).toBeDefined();
      expect(values.postgres.caSecret.name).toBe(`${cluster}-ca`);
    });
  });
});

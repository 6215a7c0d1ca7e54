import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { type InboundMqttMessage, SharedSubscriptionIngress } from '@stadtdaten/mqtt';

const brokerUrl = process.env.STADTDATEN_MQTT_URL;
const DEV_SERVICES = join(__dirname, '..', '..', '..', 'tools', 'dev-services', 'dev-services.mjs');
const MESSAGES = 200;
const TOPIC = 'stadtdaten/darmstadt/shared-sub-sensor/up';

function certificateFiles(tenant: string, device: string) {
  const output = execFileSync(process.execPath, [DEV_SERVICES, 'cert', tenant, device], { encoding: 'utf8' });
  const file = (name: string) => readFileSync(new RegExp(`^${name}=(.+)$`, 'm').exec(output)![1]);

  return { ca: file('ca'), cert: file('cert'), key: file('key') };
}

const suiteName = brokerUrl
  ? SharedSubscriptionIngress.name
  : `${SharedSubscriptionIngress.name} (skipped: STADTDATEN_MQTT_URL is unset; npm test sets it after starting the dev services)`;

(brokerUrl ? describe : describe.skip)(suiteName, () => {
  it('spreads messages over its connections, each once', async () => {
    const env = (name: string) => readFileSync(process.env[name]!);
    const sut = new SharedSubscriptionIngress({
      url: brokerUrl!,
      ca: env('STADTDATEN_MQTT_CA_FILE'),
      cert: env('STADTDATEN_MQTT_CERT_FILE'),
      key: env('STADTDATEN_MQTT_KEY_FILE'),
      clientId: `shared-test-${randomBytes(4).toString('hex')}`,
      group: `shared-test-${randomBytes(4).toString('hex')}`,
      connections: 4,
      logger: pino({ level: 'silent' }),
    });
    const received: InboundMqttMessage[] = [];
    // Other suites publish on the same broker at the same time; only this suite's topic counts.
    await sut.start(async (message) => {
      if (message.topic === TOPIC) {
        received.push(message);
      }
    });
    const device = certificateFiles('darmstadt', 'shared-sub-sensor');
    const publisher = await mqtt.connectAsync(brokerUrl!, {
      ...device,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });

    try {
      for (let i = 0; i < MESSAGES; i++) {
        await publisher.publishAsync('stadtdaten/darmstadt/shared-sub-sensor/up', JSON.stringify({ i }), {
          qos: 1,
        });
      }
      const deadline = Date.now() + 20_000;
      while (received.length < MESSAGES && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const numbers = received.map((message) => JSON.parse(message.payload.toString()).i as number);
      expect(new Set(numbers).size).toBe(MESSAGES);
      expect(received).toHaveLength(MESSAGES);
      expect(received.every((message) => message.tenant === 'darmstadt')).toBe(true);
      expect(sut.stats.filter((stats) => stats.acknowledged > 0).length).toBeGreaterThan(1);
    } finally {
      await publisher.endAsync();
      await sut.close();
    }
  });
});

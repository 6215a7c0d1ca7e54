import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { ExternalBrokerIngress } from '@stadtdaten/mqtt';

it('measures', async () => {
  const env = (n: string) => process.env[n] as string;
  const out = execFileSync(process.execPath, [join(__dirname, '../../../tools/dev-services/dev-services.mjs'), 'cert', 'darmstadt', 'int-test-sensor'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const f = (k: string) => readFileSync(new RegExp(`^${k}=(.+)$`, 'm').exec(out)![1]);
  const topic = `stadtdaten/darmstadt/int-test-sensor/up/bench${Date.now()}`;
  const N = Number(process.env.BENCH_N);
  let handled = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const gw = new ExternalBrokerIngress({ url: env('STADTDATEN_MQTT_URL'), ca: readFileSync(env('STADTDATEN_MQTT_CA_FILE')), cert: readFileSync(env('STADTDATEN_MQTT_CERT_FILE')), key: readFileSync(env('STADTDATEN_MQTT_KEY_FILE')), clientId: `bench-${Date.now()}`, topics: [topic], logger: pino({ level: 'silent' }), sessionExpirySeconds: 0 });
  await gw.start(async () => { handled += 1; if (handled === N) done(); });
  const dev = await mqtt.connectAsync(env('STADTDATEN_MQTT_URL'), { ca: f('ca'), cert: f('cert'), key: f('key'), clientId: `benchdev-${Date.now()}` });
  const t0 = Date.now();
  await Promise.all(Array.from({ length: N }, (_, i) => dev.publishAsync(topic, `m${i}`, { qos: 1 })));
  const tPub = Date.now();
  const deadline = Date.now() + 20000;
  while (handled < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const t1 = Date.now();
  console.log(`published ${N} in ${tPub - t0} ms; handled ${handled} after ${t1 - t0} ms => ${Math.round((handled * 1000) / (t1 - t0))} msg/s; stats ${JSON.stringify(gw.stats)}`);
  await dev.endAsync();
  await gw.close();
});

import { Writable } from 'node:stream';
import type { PlaintextChannel } from '@stadtdaten/config';
import { pino } from 'pino';
import { warnPlaintextConnections, warnPlaintextListeners } from './plaintext-warnings';

/** Creates a pino logger that keeps each line it writes, parsed. */
function makeLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });

  return { logger: pino({ level: 'info' }, destination), lines };
}

function makeListener(overrides: Partial<PlaintextChannel>): PlaintextChannel {
  return {
    kind: 'listener',
    setting: 'STADTDATEN_HTTP_HOST',
    target: 'HTTP 127.0.0.1:8080',
    fix: 'set a certificate',
    loopbackOnly: true,
    ...overrides,
  };
}

describe('warnPlaintextListeners', () => {
  it('logs loopback listeners in one line', () => {
    const { logger, lines } = makeLogger();

    warnPlaintextListeners(logger, [
      makeListener({}),
      makeListener({ setting: 'STADTDATEN_MQTT_HOST', target: 'MQTT 127.0.0.1:1883' }),
    ]);

    expect(lines).toEqual([
      expect.objectContaining({ level: 40, listeners: ['HTTP 127.0.0.1:8080', 'MQTT 127.0.0.1:1883'] }),
    ]);
  });

  it('logs each listener off loopback', () => {
    const { logger, lines } = makeLogger();

    warnPlaintextListeners(logger, [
      makeListener({ target: 'HTTP 0.0.0.0:8080', loopbackOnly: false }),
      makeListener({ setting: 'STADTDATEN_MQTT_HOST', target: 'MQTT 0.0.0.0:1883', loopbackOnly: false }),
    ]);

    expect(lines.map((line) => [line.setting, line.msg])).toEqual([
      ['STADTDATEN_HTTP_HOST', 'listening without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT'],
      ['STADTDATEN_MQTT_HOST', 'listening without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT'],
    ]);
  });
});

describe('warnPlaintextConnections', () => {
  it('logs each plaintext connection once', () => {
    const { logger, lines } = makeLogger();

    warnPlaintextConnections(logger, {
      STADTDATEN_EVENT_LOG: 'kafka',
      STADTDATEN_KAFKA_BROKERS: ['127.0.0.1:9092'],
      STADTDATEN_TIMESERIES: 'influxdb',
      STADTDATEN_INFLUXDB_URL: 'https://127.0.0.1:8086',
    });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        setting: 'STADTDATEN_KAFKA_BROKERS',
        target: 'Kafka 127.0.0.1:9092',
        msg: 'connection without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT',
      }),
    ]);
  });

  it('logs the analytics MQTT client without TLS', () => {
    const { logger, lines } = makeLogger();

    warnPlaintextConnections(logger, { STADTDATEN_ANALYTICS_MQTT_URL: 'mqtt://127.0.0.1:1883' });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        setting: 'STADTDATEN_ANALYTICS_MQTT_URL',
        target: 'MQTT mqtt://127.0.0.1:1883',
        msg: 'connection without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT',
      }),
    ]);
  });
});

import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { Clock, type DeviceContext } from '@stadtdaten/contracts';
import type { AedesBroker } from '@stadtdaten/mqtt';
import { MqttIngress } from '@stadtdaten/mqtt';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { type MqttClient, connectAsync } from 'mqtt';
import { simulatedValue } from './reading-model';

export const DEMO_TENANT = 'darmstadt';
export const DEMO_CATALOG = join(__dirname, '..', '..', 'catalogs', 'demo-darmstadt.yaml');

/** Readings published per device when the store is empty: the last 24 hours at 15-minute steps. */
const BACKFILL_STEPS = 96;
const BACKFILL_STEP_MS = 15 * 60_000;

export class DemoSettings {
  constructor(
    readonly enabled: boolean,
    /** Milliseconds between two readings of each simulated device. */
    readonly intervalMs: number,
  ) {}
}

/**
 * The simulated fleet of the Darmstadt demo: applies the demo catalog and publishes a
 * reading per demo device over MQTT at a fixed interval, like real devices would. When no
 * reading is stored yet, it first publishes the last 24 hours so charts show history.
 */
@Injectable()
export class DemoFleetService implements OnApplicationShutdown {
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private devices: DeviceContext[] = [];
  /** Parking capacity per thing, from the thing's `capacity` property. */
  private capacities = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    private readonly settings: DemoSettings,
    private readonly registry: RegistryService,
    private readonly store: TimeSeriesStore,
    private readonly issuer: BuiltinIssuer,
    private readonly mqtt: MqttIngress,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'demo-fleet' });
  }

  /** Starts the fleet once the broker listens; does nothing when the demo is disabled. */
  async start(): Promise<void> {
    if (!this.settings.enabled) {
      return;
    }
    const summary = await this.registry.applyCatalog(this.registry.parseCatalog(readFileSync(DEMO_CATALOG, 'utf8'), DEMO_CATALOG));
    this.devices = await this.demoDevices();
    for (const thing of await this.registry.listThings(DEMO_TENANT)) {
      const capacity = thing.properties.capacity;
      if (typeof capacity === 'number') {
        this.capacities.set(thing.id, capacity);
      }
    }
    const token = await this.issuer.issue({ tenant: DEMO_TENANT, roles: ['device'], subject: 'demo-fleet' });
    const port = (this.mqtt as AedesBroker).port;
    this.client = await connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'demo-fleet', password: token, clientId: 'stadtdaten-demo-fleet' });

    if ((await this.store.count(DEMO_TENANT)) === 0) {
      await this.backfill();
    }
    await this.publishAll(this.clock.now());
    this.timer = setInterval(() => void this.publishAll(this.clock.now()), this.settings.intervalMs);
    this.log.info({ devices: this.devices.length, created: summary.created, intervalMs: this.settings.intervalMs }, 'demo fleet started');
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.client?.endAsync();
  }

  private async demoDevices(): Promise<DeviceContext[]> {
    const devices = await this.registry.listDevices(DEMO_TENANT);
    const contexts = await Promise.all(
      devices.filter((d) => d.id.startsWith('demo-')).map((d) => this.registry.getDeviceContext(DEMO_TENANT, d.id)),
    );

    return contexts.filter((context): context is DeviceContext => context !== undefined);
  }

  private async backfill(): Promise<void> {
    const now = this.clock.now();
    const start = Math.floor(now / BACKFILL_STEP_MS) * BACKFILL_STEP_MS - BACKFILL_STEPS * BACKFILL_STEP_MS;
    for (let step = 0; step < BACKFILL_STEPS; step++) {
      await this.publishAll(start + step * BACKFILL_STEP_MS);
    }
  }

  private async publishAll(timeMs: number): Promise<void> {
    const client = this.client;
    if (client === undefined) {
      return;
    }
    try {
      await Promise.all(
        this.devices.map((device) => {
          const reading: Record<string, unknown> = { time: new Date(timeMs).toISOString() };
          for (const binding of device.datastreams) {
            reading[binding.field] = simulatedValue(binding, timeMs, this.capacities.get(binding.thingId));
          }

          return client.publishAsync(`stadtdaten/${DEMO_TENANT}/${device.deviceId}/up`, JSON.stringify(reading), { qos: 1 });
        }),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'demo readings not published');
    }
  }
}

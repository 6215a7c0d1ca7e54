import { Injectable } from '@nestjs/common';
import { Clock, type Observation, type Rejection, isDerivedType } from '@stadtdaten/contracts';
import type { DatastreamDto, DeviceDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { JobDefinition, QualityJobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { SourceDirectory } from '../derived/source-directory.service';
import type { JobRunner } from '../jobs/job-runner';
import { TimeSlice } from '../jobs/time-slice';
import { DeviceQuality } from './device-quality';
import { type QualityProblem, type QualityStatus, datastreamProblems, rejectionProblem, statusOf } from './quality-rules';
import { QualityRuleResolver } from './quality-rule.resolver';
import { StatusPublisher } from './status-publisher.service';

/** A device's quality as GET /api/v1/quality returns it. */
export interface DeviceQualityView {
  tenant: string;
  deviceId: string;
  status: QualityStatus;
  since?: string;
  problems: QualityProblem[];
  datastreams: DeviceQuality['datastreamStatus'];
}

/**
 * Data-quality checks per device and datastream. The consumer feeds every validated reading and
 * every rejection. Each run of the quality job (every minute by default) checks the devices of
 * a tenant against their rules and publishes each status change. Readings of a datastream that
 * sent nothing since the start are seeded from the store's latest observation, so a device that
 * fell silent before a restart is still found stale.
 */
@Injectable()
export class QualityService implements JobRunner {
  readonly kind = 'quality' as const;
  private definition?: QualityJobDefinition;
  private filter?: InputFilter;
  private resolver?: QualityRuleResolver;
  private readonly devices = new Map<string, DeviceQuality>();

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly publisher: StatusPublisher,
    private readonly clock: Clock,
  ) {}

  configure(definition: QualityJobDefinition): void {
    this.definition = definition;
    this.filter = new InputFilter(definition.inputs);
    this.resolver = new QualityRuleResolver(definition);
  }

  observeObservations(observations: Observation[]): void {
    const messages = new Map<DeviceQuality, { atMs: number; ids: Set<string> }>();
    for (const observation of observations) {
      const device = this.deviceFor(observation.tenant, observation.deviceId);
      if (device === undefined) {
        continue;
      }
      const value = observation.result.case === 'number' ? observation.result.value : undefined;
      device.addReading(observation.datastreamId, { phenomenonTimeMs: observation.phenomenonTimeMs, receivedAtMs: observation.receivedAtMs, value });
      const entry = messages.get(device) ?? { atMs: observation.receivedAtMs, ids: new Set<string>() };
      entry.ids.add(observation.rawMessageId || observation.id);
      messages.set(device, entry);
    }
    for (const [device, entry] of messages) {
      device.countMessages(entry.atMs, entry.ids.size, 0);
    }
  }

  observeRejections(rejections: Rejection[]): void {
    const messages = new Map<DeviceQuality, { atMs: number; ids: Set<string> }>();
    for (const rejection of rejections) {
      const raw = rejection.raw;
      const device = raw === undefined ? undefined : this.deviceFor(raw.tenant, raw.deviceId);
      if (device === undefined) {
        continue;
      }
      const entry = messages.get(device) ?? { atMs: raw!.receivedAtMs || rejection.rejectedAtMs, ids: new Set<string>() };
      entry.ids.add(raw!.id || rejection.id);
      messages.set(device, entry);
    }
    for (const [device, entry] of messages) {
      device.countMessages(entry.atMs, 0, entry.ids.size);
    }
  }

  /** Checks the tenant's devices and publishes the changed statuses. */
  async run(_definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const sources = await this.directory.sources(tenant);
    const monitored = [...sources.devices.values()].filter((device) => !isDerivedType(device.deviceTypeId));
    const known = new Set(monitored.map((device) => this.key(tenant, device.id)));
    for (const key of this.devices.keys()) {
      if (key.startsWith(`${tenant}\u0000`) && !known.has(key)) {
        this.devices.delete(key);
      }
    }

    const checked = (datastream: DatastreamDto) => !datastream.retired && datastream.classification !== 'personal' && this.filter!.accepts(datastream);

    let problems = 0;
    let changes = 0;
    const slice = new TimeSlice();
    for (const device of monitored) {
      const datastreams = (sources.datastreamsByDevice.get(device.id) ?? []).filter(checked);
      const state = this.deviceFor(tenant, device.id, true)!;
      await this.seed(state, datastreams);
      changes += (await this.evaluate(state, device, datastreams, nowMs)) ? 1 : 0;
      problems += state.problems.length;
      await slice.yieldIfDue();
    }

    return { devices: monitored.length, problems, changes };
  }

  /** Lists the devices of a tenant (or of every tenant) with their current status. */
  list(tenant?: string): DeviceQualityView[] {
    return [...this.devices.values()]
      .filter((device) => device.evaluated && (tenant === undefined || device.tenant === tenant))
      .sort((a, b) => a.tenant.localeCompare(b.tenant) || a.deviceId.localeCompare(b.deviceId))
      .map((device) => ({
        tenant: device.tenant,
        deviceId: device.deviceId,
        status: device.status,
        since: device.since,
        problems: device.problems,
        datastreams: device.datastreamStatus,
      }));
  }

  private async evaluate(state: DeviceQuality, device: DeviceDto, datastreams: DatastreamDto[], nowMs: number): Promise<boolean> {
    const problems: QualityProblem[] = [];
    state.datastreamStatus = datastreams.map((datastream) => {
      const history = state.datastreams.get(datastream.id);
      const rules = this.resolver!.rulesFor({ tenant: state.tenant, deviceTypeId: device.deviceTypeId, deviceId: device.id, datastreamId: datastream.id, observedProperty: datastream.observedProperty.id });
      const found = history === undefined ? [] : datastreamProblems(datastream.id, history, rules, nowMs);
      problems.push(...found);
      const lastReceivedAt = history?.lastReceivedAtMs === undefined ? undefined : new Date(history.lastReceivedAtMs).toISOString();

      return { datastreamId: datastream.id, status: history === undefined ? 'unknown' : statusOf(found), lastReceivedAt };
    });
    const deviceRules = this.resolver!.rulesFor({ tenant: state.tenant, deviceTypeId: device.deviceTypeId, deviceId: device.id });
    const counts = state.messagesIn(deviceRules.rejectionWindowMs, nowMs);
    const rejecting = rejectionProblem(counts.accepted, counts.rejected, deviceRules);
    if (rejecting !== undefined) {
      problems.push(rejecting);
    }

    const anyData = [...state.datastreams.values()].some((history) => history.lastReceivedAtMs !== undefined);
    const status: QualityStatus = problems.length === 0 && !anyData ? 'unknown' : statusOf(problems);
    const first = !state.evaluated;
    const changed = DeviceQuality.problemKey(status, problems) !== DeviceQuality.problemKey(state.status, state.problems);
    const previousStatus = state.status;
    state.evaluated = true;
    state.problems = problems;
    if (!first && !changed) {
      return false;
    }

    if (status !== previousStatus || state.since === undefined) {
      state.since = new Date(nowMs).toISOString();
    }
    state.status = status;
    const event = { tenant: state.tenant, deviceId: state.deviceId, status, previousStatus, changedAt: new Date(nowMs).toISOString(), problems };
    const quiet = (a: QualityStatus) => a === 'ok' || a === 'unknown';
    await this.publisher.publish(event, { mqtt: true, webhooks: first ? !quiet(status) : !(quiet(status) && quiet(previousStatus)) });

    return true;
  }

  /** Seeds datastreams without readings from the store's latest observation, once per start. */
  private async seed(state: DeviceQuality, datastreams: DatastreamDto[]): Promise<void> {
    const unseeded = datastreams.filter((datastream) => !state.seeded.has(datastream.id) && !state.datastreams.has(datastream.id));
    datastreams.forEach((datastream) => state.seeded.add(datastream.id));
    if (unseeded.length === 0) {
      return;
    }
    const latest = await this.store.latest(state.tenant, unseeded.map((datastream) => datastream.id));
    for (const [datastreamId, observation] of latest) {
      const value = typeof observation.result === 'number' ? observation.result : undefined;
      state.addReading(datastreamId, { phenomenonTimeMs: observation.phenomenonTimeMs, receivedAtMs: observation.receivedAtMs, value });
    }
  }

  private deviceFor(tenant: string, deviceId: string, create = false): DeviceQuality | undefined {
    if (this.definition === undefined || !this.filter!.acceptsTenant(tenant)) {
      return undefined;
    }
    const key = this.key(tenant, deviceId);
    let device = this.devices.get(key);
    if (device === undefined && (create || this.devices.size < MAX_DEVICES)) {
      device = new DeviceQuality(tenant, deviceId);
      this.devices.set(key, device);
    }

    return device;
  }

  private key(tenant: string, deviceId: string): string {
    return `${tenant}\u0000${deviceId}`;
  }
}

/** Devices tracked from readings before the registry lists them; bounds memory against unknown device ids. */
const MAX_DEVICES = 100_000;

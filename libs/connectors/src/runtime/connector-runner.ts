import { AppError, type Clock, ErrorCode, RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { readFileSync } from 'node:fs';
import type { ConnectorDefinition } from '../config/connector-config.schema';
import type { SourceDecoder, SourceDecodeResult, SourceRecord } from '../decoders/source-decoder.interface';
import { HttpFetcher, type ConditionalState } from '../sources/http-fetcher';
import { listSourceFiles } from '../sources/file-lister';
import type { SourceInput } from '../sources/source-input';
import type { ConnectorSink, DeviceDirectory, FeatureRegistration } from './connector-ports';
import { type ConnectorRunReport, emptyReport } from './connector-run-report';
import { deviceIdFor, mappedField } from './device-mapping';
import { createHash } from 'node:crypto';
import { ConnectorFetchError } from '../sources/connector-fetch.error';

export interface RunOptions {
  trigger?: ConnectorRunReport['trigger'];
  signal?: AbortSignal;
  /** Called with the report after each input and each published message. */
  onProgress?: (report: ConnectorRunReport) => void;
}

interface MappedValue {
  field: string;
  record: SourceRecord;
}

const SENML_CONTENT_TYPE = 'application/senml+json';

/**
 * Runs connectors: reads the source, decodes it, registers new features where the mapping
 * allows it, writes the values as SenML raw messages, and sends everything it cannot use to
 * the dead letter. One run per connector at a time; the last validators (ETag,
 * Last-Modified) and the digest of the last body are kept per URL so that an unchanged
 * source is not decoded again.
 */
export class ConnectorRunner {
  private readonly decoders: Map<string, SourceDecoder>;
  private readonly running = new Set<string>();
  private readonly conditional = new Map<string, ConditionalState & { digest?: string }>();
  /** Decoder fields and feature keys of each running connector, for the warnings at the run's end. */
  private readonly seen = new Map<string, { fields: Set<string>; keys: Set<string> }>();

  constructor(
    decoders: readonly SourceDecoder[],
    private readonly sink: ConnectorSink,
    private readonly directory: DeviceDirectory,
    private readonly clock: Clock,
    private readonly fetcher: HttpFetcher = new HttpFetcher(),
  ) {
    this.decoders = new Map(decoders.map((decoder) => [decoder.name, decoder]));
  }

  decoderNames(): string[] {
    return [...this.decoders.keys()].sort();
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  async run(definition: ConnectorDefinition, options: RunOptions = {}): Promise<ConnectorRunReport> {
    if (this.running.has(definition.name)) {
      throw new AppError(ErrorCode.CONFLICT, `connector "${definition.name}" is running already; wait until it ends`);
    }
    const decoder = this.decoders.get(definition.decoder);
    if (decoder === undefined) {
      throw new AppError(ErrorCode.INVALID_CONFIG, `connector "${definition.name}" names the unknown decoder "${definition.decoder}"`);
    }
    this.running.add(definition.name);
    const report = emptyReport(definition.name, definition.tenant, options.trigger ?? 'manual', this.clock.now());
    options.onProgress?.(report);
    const seen = { fields: new Set<string>(), keys: new Set<string>() };
    try {
      const mappingProblems = await this.directory.checkMapping(
        definition.tenant,
        definition.mapping.deviceType,
        definition.mapping.fields === undefined ? undefined : Object.values(definition.mapping.fields),
      );
      if (mappingProblems.length > 0) {
        throw new AppError(ErrorCode.INVALID_CONFIG, `connector "${definition.name}": ${mappingProblems.join('; ')}`);
      }
      this.seen.set(definition.name, seen);
      const changed = definition.source.url !== undefined
        ? await this.runUrl(definition, decoder, report, options)
        : await this.runFiles(definition, decoder, report, options);
      report.outcome = changed ? 'succeeded' : 'not-modified';
      if (changed) {
        report.warnings.push(...unmatchedSettings(definition, report, seen));
      }
    } catch (error) {
      report.outcome = 'failed';
      report.error = (error as Error).message;
    } finally {
      report.finishedAtMs = this.clock.now();
      this.running.delete(definition.name);
      this.seen.delete(definition.name);
    }
    options.onProgress?.(report);

    return report;
  }

  private async runFiles(
    definition: ConnectorDefinition,
    decoder: SourceDecoder,
    report: ConnectorRunReport,
    options: RunOptions,
  ): Promise<boolean> {
    const files = listSourceFiles(definition.source);
    report.inputsTotal = files.length;
    report.bytesTotal = files.reduce((sum, file) => sum + file.sizeBytes, 0);
    options.onProgress?.(report);
    for (const file of files) {
      options.signal?.throwIfAborted();
      const bytes = new Uint8Array(readFileSync(file.path));
      await this.processInput(definition, decoder, { name: file.path, bytes }, report, options);
      report.inputs += 1;
      report.bytes += bytes.byteLength;
      options.onProgress?.(report);
    }

    return true;
  }

  private async runUrl(
    definition: ConnectorDefinition,
    decoder: SourceDecoder,
    report: ConnectorRunReport,
    options: RunOptions,
  ): Promise<boolean> {
    const firstUrl = definition.source.url!;
    const stateKey = `${definition.name}\u0000${firstUrl}`;
    const state = this.conditional.get(stateKey) ?? {};
    let url: string | undefined = firstUrl;
    let pages = 0;
    let firstDigest: string | undefined;
    let firstConditional: ConditionalState = {};

    while (url !== undefined) {
      options.signal?.throwIfAborted();
      const first = pages === 0;
      const outcome = await this.fetcher.fetch(url, definition.source, first ? state : {}, options.signal);
      if (outcome.kind === 'not-modified') {
        return false;
      }
      if (first) {
        firstDigest = createHash('sha256').update(outcome.bytes).digest('base64url');
        firstConditional = outcome.conditional;
        if (firstDigest === state.digest) {
          this.conditional.set(stateKey, { ...firstConditional, digest: firstDigest });
          return false;
        }
      }
      const result = await this.processInput(definition, decoder, { name: url, bytes: outcome.bytes }, report, options);
      report.inputs += 1;
      report.bytes += outcome.bytes.byteLength;
      options.onProgress?.(report);
      pages += 1;
      url = this.nextPage(url, result?.next, pages, definition);
    }
    this.conditional.set(stateKey, { ...firstConditional, digest: firstDigest });

    return true;
  }

  private nextPage(current: string, next: string | undefined, pages: number, definition: ConnectorDefinition): string | undefined {
    if (next === undefined) {
      return undefined;
    }
    const resolved = new URL(next, current);
    if (resolved.origin !== new URL(current).origin) {
      throw new ConnectorFetchError(
        `the next page ${resolved.href} is on another server than ${current}; a connector follows pages only on its own source's server`,
        { retriable: false },
      );
    }
    if (pages >= definition.source.maxPages) {
      throw new ConnectorFetchError(
        `the source has more than ${definition.source.maxPages} pages; raise source.maxPages if that is expected`,
        { retriable: false },
      );
    }

    return resolved.href;
  }

  /** Decodes one input and writes its values; returns undefined when the input as a whole was rejected. */
  private async processInput(
    definition: ConnectorDefinition,
    decoder: SourceDecoder,
    input: SourceInput,
    report: ConnectorRunReport,
    options: RunOptions,
  ): Promise<SourceDecodeResult | undefined> {
    let result: SourceDecodeResult;
    try {
      result = decoder.decode(input.bytes, {
        sourceName: input.name,
        timeZone: definition.timeZone,
        nowMs: this.clock.now(),
        options: definition.options,
      });
    } catch (error) {
      if (!(error instanceof RejectionError)) {
        throw error;
      }
      await this.rejectInput(definition, input, error);
      report.deadLettered += 1;
      return undefined;
    }

    const keys = definition.mapping.keys === undefined ? undefined : new Set(definition.mapping.keys);
    const features = result.features.filter((feature) => keys === undefined || keys.has(feature.key));
    report.features += features.length;
    report.records += result.records.length;
    report.missing += result.missing;
    report.deferred += result.deferred ?? 0;

    for (const problem of result.problems) {
      await this.rejectProblem(definition, input, problem);
      report.deadLettered += 1;
    }

    const byDevice = new Map<string, { featureKey: string; values: MappedValue[] }>();
    const seen = this.seen.get(definition.name);
    for (const record of result.records) {
      seen?.fields.add(record.field);
      seen?.keys.add(record.featureKey);
      const field = mappedField(definition.mapping, record.field);
      if (field === undefined || (keys !== undefined && !keys.has(record.featureKey))) {
        report.dropped += 1;
        continue;
      }
      const deviceId = deviceIdFor(definition.mapping, record.featureKey);
      const group = byDevice.get(deviceId) ?? { featureKey: record.featureKey, values: [] };
      group.values.push({ field, record });
      byDevice.set(deviceId, group);
    }

    const known = await this.ensureDevices(definition, features, [...byDevice.keys()], report);
    for (const [deviceId, group] of byDevice) {
      if (known.has(deviceId)) {
        await this.publishDevice(definition, input, deviceId, group.values, report, options);
      } else {
        await this.rejectUnknownDevice(definition, input, deviceId, group.featureKey, group.values);
        report.deadLettered += group.values.length;
      }
    }

    return result;
  }

  /** Registers features that are new, where the mapping allows it; returns the device ids that exist afterwards. */
  private async ensureDevices(
    definition: ConnectorDefinition,
    features: SourceDecodeResult['features'],
    valueDevices: string[],
    report: ConnectorRunReport,
  ): Promise<Set<string>> {
    const { mapping, tenant } = definition;
    const featureDevices = features.map((feature) => deviceIdFor(mapping, feature.key));
    const requested = [...new Set([...valueDevices, ...featureDevices])];
    const existing = await this.directory.existingDevices(tenant, requested);
    if (!mapping.register) {
      return existing;
    }
    const registrations = new Map<string, FeatureRegistration>();
    for (const feature of features) {
      const deviceId = deviceIdFor(mapping, feature.key);
      if (existing.has(deviceId) || feature.geometry === undefined) {
        continue;
      }
      registrations.set(deviceId, {
        deviceId,
        deviceType: mapping.deviceType,
        useCase: mapping.useCase!,
        classification: mapping.classification,
        feature: { ...feature, geometry: feature.geometry },
        connector: definition.name,
      });
    }
    if (registrations.size > 0) {
      await this.directory.register(tenant, [...registrations.values()]);
      report.registered += registrations.size;
    }

    return new Set([...existing, ...registrations.keys()]);
  }

  private async publishDevice(
    definition: ConnectorDefinition,
    input: SourceInput,
    deviceId: string,
    values: MappedValue[],
    report: ConnectorRunReport,
    options: RunOptions,
  ): Promise<void> {
    values.sort((a, b) => a.record.timeMs - b.record.timeMs);
    for (let start = 0; start < values.length; start += definition.chunkSize) {
      const chunk = values.slice(start, start + definition.chunkSize);
      await this.sink.publish({
        tenant: definition.tenant,
        deviceId,
        topic: topicOf(definition, input),
        clientId: `connector:${definition.name}`,
        format: 'senml',
        contentType: SENML_CONTENT_TYPE,
        payload: senmlPack(chunk),
      });
      report.published += chunk.length;
      report.messages += 1;
      options.onProgress?.(report);
    }
  }

  private rejectUnknownDevice(
    definition: ConnectorDefinition,
    input: SourceInput,
    deviceId: string,
    featureKey: string,
    values: MappedValue[],
  ): Promise<void> {
    const first = values[0]!.record.position;
    const fix = definition.mapping.register
      ? 'the source gives no location for it, so it cannot be registered by itself; add thing and device to the catalog'
      : 'add the device to the catalog or set mapping.register: true';

    return this.sink.reject({
      tenant: definition.tenant,
      deviceId,
      topic: topicOf(definition, input),
      clientId: `connector:${definition.name}`,
      format: 'senml',
      payload: senmlPack(values),
      reasonCode: RejectionCode.UNKNOWN_DEVICE,
      detail: `${values.length} value(s) of feature "${featureKey}" in ${input.name} (first at ${first}) belong to device "${deviceId}", which is not in the registry of tenant "${definition.tenant}"; ${fix}`,
    });
  }

  private rejectProblem(definition: ConnectorDefinition, input: SourceInput, problem: RejectionError): Promise<void> {
    const position = String(problem.details.position ?? 'unknown position');
    const value = problem.details.value === undefined ? '' : String(problem.details.value);
    const featureKey = problem.details.featureKey;

    return this.sink.reject({
      tenant: definition.tenant,
      deviceId: typeof featureKey === 'string' ? deviceIdFor(definition.mapping, featureKey) : '',
      topic: topicOf(definition, input),
      clientId: `connector:${definition.name}`,
      format: definition.decoder,
      payload: Buffer.from(`${input.name}\n${position}\n${value}`),
      reasonCode: problem.code as RejectionCode,
      detail: `${input.name}, ${position}: ${problem.message}`,
      field: problem.field,
    });
  }

  private rejectInput(definition: ConnectorDefinition, input: SourceInput, error: RejectionError): Promise<void> {
    return this.sink.reject({
      tenant: definition.tenant,
      deviceId: '',
      topic: topicOf(definition, input),
      clientId: `connector:${definition.name}`,
      format: definition.decoder,
      payload: input.bytes,
      reasonCode: error.code as RejectionCode,
      detail: `${input.name}: ${error.message}`,
    });
  }
}

function topicOf(definition: ConnectorDefinition, input: SourceInput): string {
  return `connector/${definition.name}/${input.name.replace(/^\/+/, '')}`;
}

/** Warnings for mapping settings and sources that matched nothing, so that a typo does not pass silently. */
function unmatchedSettings(
  definition: ConnectorDefinition,
  report: ConnectorRunReport,
  seen: { fields: Set<string>; keys: Set<string> },
): string[] {
  const warnings: string[] = [];
  if (report.inputs === 0) {
    warnings.push('the source gave no input: no file matched source.file, source.folder and source.pattern');
  }
  if (report.records === 0) {
    return warnings;
  }
  for (const field of Object.keys(definition.mapping.fields ?? {})) {
    if (!seen.fields.has(field)) {
      warnings.push(
        `mapping.fields names "${field}", which the decoder did not produce; it produced ${[...seen.fields].sort().join(', ')}`,
      );
    }
  }
  for (const key of definition.mapping.keys ?? []) {
    if (!seen.keys.has(key)) {
      warnings.push(`mapping.keys names "${key}", which the source did not contain`);
    }
  }

  return warnings;
}

/** SenML JSON pack: one record per value, absolute time in seconds, unit where the source gave one. */
function senmlPack(values: readonly MappedValue[]): Uint8Array {
  const records = values.map(({ field, record }) => {
    const entry: Record<string, unknown> = { n: field, t: record.timeMs / 1000 };
    if (record.unit !== undefined) {
      entry.u = record.unit;
    }
    if (typeof record.value === 'number') {
      entry.v = record.value;
    } else if (typeof record.value === 'boolean') {
      entry.vb = record.value;
    } else {
      entry.vs = record.value;
    }
    return entry;
  });

  return Buffer.from(JSON.stringify(records));
}

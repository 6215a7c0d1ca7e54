import { Injectable } from '@nestjs/common';
import { AGGREGATES, type Aggregate, AppError, ErrorCode } from '@stadtdaten/contracts';
import {
  type QueryOptions,
  formatIsoDuration,
  matchesFilter,
  parseIsoDuration,
  planObservationFilter,
  sortEntities,
} from '@stadtdaten/sensorthings';
import { type EntityPage } from './observation-query.service';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsSettings } from './sensorthings-settings';
import { WITHOUT_SELF_LINK } from './sta-collection.service';
import { type StaContext, linkWithOptions } from './sta-context';
import { ENTITY_TYPE, type StaGraph, type StaView } from './sta-graph';

/** Query options of the aggregation extension on Observations collections. */
export const AGGREGATE_OPTION = '$aggregate';
export const INTERVAL_OPTION = '$interval';

const MIN_INTERVAL_MS = 60_000;
const MAX_INTERVAL_MS = 86_400_000;
const DEFAULT_RANGE_MS = 86_400_000;

export interface AggregateRequest {
  scope: StaView[];
  options: QueryOptions;
  link: string;
  aggregate: string | undefined;
  interval: string | undefined;
}

/**
 * Serves `$aggregate=<mean|min|max|sum|count|last>&$interval=<ISO 8601 duration>` on an
 * Observations collection from the store's aggregate query. Each bucket becomes an
 * observation of its datastream whose phenomenonTime is the interval `start/end` and whose
 * parameters hold the aggregate, the interval and the number of observations. $filter may
 * restrict phenomenonTime and the Datastream only; without a time range the last 24 hours
 * before the end (default now) are aggregated. Non-numeric and personal datastreams yield no buckets.
 */
@Injectable()
export class ObservationAggregateService {
  constructor(
    private readonly reader: ObservationStoreReader,
    private readonly settings: SensorThingsSettings,
  ) {}

  async page(context: StaContext, graph: StaGraph, request: AggregateRequest): Promise<EntityPage> {
    const aggregate = parseAggregate(request.aggregate);
    const intervalMs = parseInterval(request.interval);
    const { options } = request;
    const plan = planObservationFilter(options.filter, { nowMs: context.nowMs });
    if (plan.remainingFilter !== undefined) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `with ${AGGREGATE_OPTION}, $filter may only compare phenomenonTime with a time and restrict the Datastream or FeatureOfInterest`,
      );
    }
    const toMs = plan.toMs ?? context.nowMs;
    const fromMs = plan.fromMs ?? toMs - DEFAULT_RANGE_MS;
    const datastreams = request.scope
      .filter((view) => plan.datastreamIds === undefined || plan.datastreamIds.includes(view['@iot.id']))
      .filter((view) => {
        const probe = { Datastream: view, FeatureOfInterest: graph.featureOfInterestOf(view) ?? null };

        return (
          plan.datastreamFilter === undefined ||
          matchesFilter(plan.datastreamFilter, probe, { nowMs: context.nowMs })
        );
      });
    const buckets = Math.ceil((toMs - fromMs) / intervalMs) * datastreams.length;
    if (buckets > this.settings.maxObservationsInMemory) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `${AGGREGATE_OPTION} over this range gives up to ${buckets} buckets, more than ${this.settings.maxObservationsInMemory}; ` +
          `use a longer ${INTERVAL_OPTION} or a shorter phenomenonTime range`,
      );
    }

    const views: StaView[] = [];
    if (!plan.empty && fromMs < toMs) {
      const dtos = datastreams.map((view) => graph.datastreamDtos.get(view['@iot.id'])!);
      // Personal results are stored encrypted, so the store cannot aggregate them.
      const aggregatable = dtos.filter(
        (dto) => ['number', 'integer'].includes(dto.valueSchema.type) && dto.classification !== 'personal',
      );
      await this.reader.auditReads(context, aggregatable);
      for (const dto of aggregatable) {
        const view = graph.get('Datastream', dto.id)!;
        const points = await this.reader.aggregate(dto, fromMs, toMs, aggregate, intervalMs);
        views.push(...points.map((point) => bucketView(graph, view, aggregate, intervalMs, point)));
      }
    }

    return this.paged(context, views, request, options);
  }

  private paged(
    context: StaContext,
    views: StaView[],
    request: AggregateRequest,
    options: QueryOptions,
  ): EntityPage {
    const orderBy = options.orderBy.length > 0 ? options.orderBy : undefined;
    const sorted =
      orderBy === undefined
        ? views.sort(byTimeThenDatastream)
        : sortEntities(views, orderBy, { nowMs: context.nowMs });
    const top = Math.min(options.top ?? this.settings.defaultTop, this.settings.maxTop);
    const more = top > 0 && options.skip + top < sorted.length;
    const paging = {
      ...options.raw,
      [AGGREGATE_OPTION]: request.aggregate!,
      [INTERVAL_OPTION]: request.interval!,
      $top: String(top),
      $skip: String(options.skip + top),
    };

    return {
      views: sorted.slice(options.skip, options.skip + top),
      ...(options.count ? { count: sorted.length } : {}),
      ...(more ? { nextLink: linkWithOptions(request.link, paging) } : {}),
    };
  }
}

function bucketView(
  graph: StaGraph,
  datastream: StaView,
  aggregate: Aggregate,
  intervalMs: number,
  point: { bucketStartMs: number; value: number | null; count: number },
): StaView {
  const start = new Date(point.bucketStartMs).toISOString();
  const end = new Date(point.bucketStartMs + intervalMs).toISOString();

  return {
    '@iot.id': `${datastream['@iot.id']}@${point.bucketStartMs}/${aggregate}/${formatIsoDuration(intervalMs)}`,
    phenomenonTime: `${start}/${end}`,
    resultTime: end,
    result: point.value,
    parameters: { aggregate, interval: formatIsoDuration(intervalMs), count: point.count },
    Datastream: datastream,
    FeatureOfInterest: graph.featureOfInterestOf(datastream) ?? null,
    MultiDatastream: null,
    [ENTITY_TYPE]: 'Observation',
    [WITHOUT_SELF_LINK]: true,
  };
}

function byTimeThenDatastream(a: StaView, b: StaView): number {
  const time = String(a.phenomenonTime).localeCompare(String(b.phenomenonTime));

  return time !== 0
    ? time
    : String((a.Datastream as StaView)['@iot.id']).localeCompare(
        String((b.Datastream as StaView)['@iot.id']),
      );
}

function parseAggregate(value: string | undefined): Aggregate {
  if (value === undefined || !(AGGREGATES as readonly string[]).includes(value)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `${AGGREGATE_OPTION} = "${value ?? ''}" is not supported: use one of ${AGGREGATES.join(', ')} together with ${INTERVAL_OPTION}`,
    );
  }

  return value as Aggregate;
}

function parseInterval(value: string | undefined): number {
  const ms = value === undefined ? undefined : parseIsoDuration(value);
  if (ms === undefined || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS || ms % 1000 !== 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `${INTERVAL_OPTION} = "${value ?? ''}" is not supported: use an ISO 8601 duration from PT1M to P1D in whole seconds, e.g. PT15M or PT1H, together with ${AGGREGATE_OPTION}`,
    );
  }

  return ms;
}

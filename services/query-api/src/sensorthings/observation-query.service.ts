import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import {
  type ObservationFilterPlan,
  type QueryOptions,
  matchesFilter,
  planObservationFilter,
  sortEntities,
} from '@stadtdaten/sensorthings';
import {
  type ObservationCursor,
  decodeCursor,
  encodeCursor,
  parseObservationKey,
} from './observation-cursor';
import { type Candidate, DatastreamReader, scanMerged, storeOrder, withoutPaging } from './observation-merge';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsSettings } from './sensorthings-settings';
import { type StaContext, linkWithOptions } from './sta-context';
import { type StaGraph, type StaView, observationView } from './sta-graph';

/** Margin after now up to which an open time range reaches; the validator rejects readings further ahead. */
const FUTURE_MARGIN_MS = 86_400_000;

/** A page of entities with the collection's count (when requested) and the link to the next page. */
export interface EntityPage {
  views: StaView[];
  count?: number;
  nextLink?: string;
}

export interface ObservationRequest {
  /** The datastreams the resource path allows: all readable ones, one datastream, or those of a FeatureOfInterest. */
  scope: StaView[];
  options: QueryOptions;
  /** URL of the collection, for @iot.nextLink. */
  link: string;
  skiptoken?: string;
}

/**
 * Serves Observations collections from the time-series store. The $filter is split into a
 * phenomenon-time range and datastream conditions, which select what the store reads, and a
 * remainder that is applied per observation. Pages ordered by phenomenonTime merge the
 * datastreams in (phenomenonTime, datastream id) order and continue after that key, so paging
 * stays correct while new observations arrive. Any other $orderby sorts the range in memory.
 */
@Injectable()
export class ObservationQueryService {
  constructor(
    private readonly reader: ObservationStoreReader,
    private readonly settings: SensorThingsSettings,
  ) {}

  async page(context: StaContext, graph: StaGraph, request: ObservationRequest): Promise<EntityPage> {
    const { options } = request;
    const plan = planObservationFilter(options.filter, { nowMs: context.nowMs });
    const candidates = this.candidates(context, graph, request.scope, plan);
    const range = { fromMs: plan.fromMs ?? 0, toMs: plan.toMs ?? context.nowMs + FUTURE_MARGIN_MS };
    if (plan.empty || candidates.length === 0 || range.fromMs >= range.toMs) {
      return { views: [], ...(options.count ? { count: 0 } : {}) };
    }

    await this.reader.auditReads(
      context,
      candidates.map((candidate) => candidate.dto),
    );
    const order = storeOrder(options.orderBy);
    if (order === undefined) {
      return this.sortedInMemory(context, graph, request, plan, candidates, range);
    }
    const page = await this.merged(context, graph, request, plan, candidates, range, order);
    if (options.count) {
      page.count = await this.count(context, graph, plan, candidates, range);
    }

    return page;
  }

  /** Reads one observation by its key, or undefined when the caller cannot see it or it does not exist. */
  async findOne(context: StaContext, graph: StaGraph, key: string): Promise<StaView | undefined> {
    const parsed = parseObservationKey(key);
    const view = parsed === undefined ? undefined : graph.get('Datastream', parsed.datastreamId);
    const dto = parsed === undefined ? undefined : graph.datastreamDtos.get(parsed.datastreamId);
    if (parsed === undefined || view === undefined || dto === undefined) {
      return undefined;
    }
    await this.reader.auditReads(context, [dto]);
    const [row] = await this.reader.query(dto, parsed.timeMs, parsed.timeMs + 1, 1, 'asc');

    return row === undefined ? undefined : observationView(graph, view, row);
  }

  private candidates(
    context: StaContext,
    graph: StaGraph,
    scope: StaView[],
    plan: ObservationFilterPlan,
  ): Candidate[] {
    return scope
      .filter((view) => plan.datastreamIds === undefined || plan.datastreamIds.includes(view['@iot.id']))
      .filter((view) => {
        const probe = {
          Datastream: view,
          FeatureOfInterest: graph.featureOfInterestOf(view) ?? null,
          MultiDatastream: null,
        };

        return (
          plan.datastreamFilter === undefined ||
          matchesFilter(plan.datastreamFilter, probe, { nowMs: context.nowMs })
        );
      })
      .map((view) => ({ view, dto: graph.datastreamDtos.get(view['@iot.id'])! }));
  }

  private async merged(
    context: StaContext,
    graph: StaGraph,
    request: ObservationRequest,
    plan: ObservationFilterPlan,
    candidates: Candidate[],
    range: { fromMs: number; toMs: number },
    order: 'asc' | 'desc',
  ): Promise<EntityPage> {
    const { options } = request;
    const top = this.topOf(options);
    const cursor = request.skiptoken === undefined ? undefined : decodeCursor(request.skiptoken);
    if (cursor !== undefined && cursor.order !== order) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        '$skiptoken belongs to a page of the other order; follow the @iot.nextLink as given',
      );
    }
    const batch =
      plan.remainingFilter === undefined ? Math.min(Math.max(top + options.skip + 1, 10), 1000) : 1000;
    const readers = candidates.map(
      (candidate) => new DatastreamReader(this.reader, candidate, range, order, cursor, batch),
    );
    await Promise.all(readers.map((reader) => reader.fill()));

    const scan = await scanMerged(readers, order, {
      wanted: top + 1,
      skip: options.skip,
      maxScanned: this.settings.maxScannedObservations,
      toMatch: (reader, row) => {
        const view = observationView(graph, reader.candidate.view, row);
        const rest = plan.remainingFilter;

        return rest === undefined || matchesFilter(rest, view, { nowMs: context.nowMs }) ? view : undefined;
      },
    });
    const { matches, skipped, lastScanned, budgetReached } = scan;

    const views = matches.slice(0, top);
    const last = views[views.length - 1];
    let after: ObservationCursor | undefined;
    if (budgetReached && lastScanned !== undefined) {
      // Every observation up to the last one read was returned, skipped or filtered out.
      after = { ...lastScanned, order };
    } else if (matches.length > top && top > 0 && last !== undefined) {
      after = {
        timeMs: Date.parse(last.phenomenonTime as string),
        datastreamId: (last.Datastream as StaView)['@iot.id'],
        order,
      };
    }
    const remainingSkip = options.skip - skipped;
    const nextLink =
      after === undefined
        ? undefined
        : linkWithOptions(request.link, {
            ...withoutPaging(options.raw),
            $top: String(top),
            ...(remainingSkip > 0 ? { $skip: String(remainingSkip) } : {}),
            $skiptoken: encodeCursor(after),
          });

    return { views, ...(nextLink === undefined ? {} : { nextLink }) };
  }

  private async sortedInMemory(
    context: StaContext,
    graph: StaGraph,
    request: ObservationRequest,
    plan: ObservationFilterPlan,
    candidates: Candidate[],
    range: { fromMs: number; toMs: number },
  ): Promise<EntityPage> {
    const { options } = request;
    if (request.skiptoken !== undefined) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        '$skiptoken is only valid for pages ordered by phenomenonTime; page this ordering with $skip',
      );
    }
    const views = await this.readAll(
      context,
      graph,
      plan,
      candidates,
      range,
      `ordering Observations by "${options.orderByText}"`,
    );
    const sorted = sortEntities(views, options.orderBy, { nowMs: context.nowMs });
    const top = this.topOf(options);
    const page = sorted.slice(options.skip, options.skip + top);
    const more = options.skip + top < sorted.length && top > 0;

    return {
      views: page,
      ...(options.count ? { count: sorted.length } : {}),
      ...(more
        ? {
            nextLink: linkWithOptions(request.link, {
              ...withoutPaging(options.raw),
              $top: String(top),
              $skip: String(options.skip + top),
            }),
          }
        : {}),
    };
  }

  /**
   * Counts the observations that match. Without a per-observation filter the store counts:
   * all of a datastream, or the numeric ones of a time range through daily count aggregates.
   * Anything else is read and counted in memory, up to the configured limit.
   */
  private async count(
    context: StaContext,
    graph: StaGraph,
    plan: ObservationFilterPlan,
    candidates: Candidate[],
    range: { fromMs: number; toMs: number },
  ): Promise<number> {
    if (plan.remainingFilter !== undefined) {
      return (await this.readAll(context, graph, plan, candidates, range, '$count=true with this $filter'))
        .length;
    }
    const wholeRange = plan.fromMs === undefined && plan.toMs === undefined;
    let total = 0;
    for (const candidate of candidates) {
      // Personal results are stored encrypted, so the store cannot count them per time range.
      const numeric =
        ['number', 'integer'].includes(candidate.dto.valueSchema.type) &&
        candidate.dto.classification !== 'personal';
      if (wholeRange) {
        total += await this.reader.count(candidate.dto);
      } else if (numeric) {
        const buckets = await this.reader.aggregate(
          candidate.dto,
          range.fromMs,
          range.toMs,
          'count',
          86_400_000,
        );
        total += buckets.reduce((sum, bucket) => sum + bucket.count, 0);
      } else {
        total += (await this.readAll(context, graph, plan, [candidate], range, '$count=true')).length;
      }
    }

    return total;
  }

  /** Reads every matching observation of the range, failing with a clear message above the in-memory limit. */
  private async readAll(
    context: StaContext,
    graph: StaGraph,
    plan: ObservationFilterPlan,
    candidates: Candidate[],
    range: { fromMs: number; toMs: number },
    purpose: string,
  ): Promise<StaView[]> {
    const limit = this.settings.maxObservationsInMemory;
    const views: StaView[] = [];
    let read = 0;
    for (const candidate of candidates) {
      const rows = await this.reader.query(candidate.dto, range.fromMs, range.toMs, limit - read + 1, 'asc');
      read += rows.length;
      if (read > limit) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `${purpose} reads every observation of the time range, and it holds more than ${limit}; ` +
            'narrow $filter with a phenomenonTime range or order by phenomenonTime',
        );
      }
      for (const row of rows) {
        const view = observationView(graph, candidate.view, row);
        if (
          plan.remainingFilter === undefined ||
          matchesFilter(plan.remainingFilter, view, { nowMs: context.nowMs })
        ) {
          views.push(view);
        }
      }
    }

    return views;
  }

  private topOf(options: QueryOptions): number {
    return Math.min(options.top ?? this.settings.defaultTop, this.settings.maxTop);
  }
}

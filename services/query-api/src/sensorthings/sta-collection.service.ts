import { Injectable } from '@nestjs/common';
import {
  DEFAULT_DATA_ARRAY_COMPONENTS,
  ENTITY_TYPES,
  type EntityTypeName,
  type QueryOptions,
  matchesFilter,
  sortEntities,
  toDataArray,
} from '@stadtdaten/sensorthings';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type EntityPage, ObservationQueryService } from './observation-query.service';
import { SensorThingsSettings } from './sensorthings-settings';
import { type StaContext, linkWithOptions, selfLinkOf } from './sta-context';
import { ENTITY_TYPE, type StaGraph, type StaView } from './sta-graph';

/** Marks views that have no resource of their own, such as aggregated observations. */
export const WITHOUT_SELF_LINK = Symbol('sensorthings view without self link');

/** A collection to page: views held in memory, or the observations of some datastreams. */
export type CollectionSource =
  | { type: Exclude<EntityTypeName, 'Observation'>; link: string; views: StaView[] }
  | { type: 'Observation'; link: string; datastreams: StaView[] };

/** A collection response: `@iot.count`, `@iot.nextLink` and `value` in this order. */
export interface CollectionResponse {
  '@iot.count'?: number;
  '@iot.nextLink'?: string;
  value: unknown[];
}

/** Pages collections and renders entities as SensorThings JSON, with $select and nested $expand. */
@Injectable()
export class StaCollectionService {
  constructor(
    private readonly observations: ObservationQueryService,
    private readonly settings: SensorThingsSettings,
  ) {}

  async page(
    context: StaContext,
    graph: StaGraph,
    source: CollectionSource,
    options: QueryOptions,
    skiptoken?: string,
  ): Promise<EntityPage> {
    if (source.type === 'Observation') {
      return this.observations.page(context, graph, {
        scope: source.datastreams,
        options,
        link: source.link,
        skiptoken,
      });
    }
    if (skiptoken !== undefined) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `$skiptoken applies to Observations only; page ${ENTITY_TYPES[source.type].entitySet} with $skip`,
      );
    }
    const evaluation = { nowMs: context.nowMs };
    const filtered =
      options.filter === undefined
        ? source.views
        : source.views.filter((view) => matchesFilter(options.filter!, view, evaluation));
    const sorted = sortEntities(filtered, options.orderBy, evaluation);
    const top = Math.min(options.top ?? this.settings.defaultTop, this.settings.maxTop);
    const views = sorted.slice(options.skip, options.skip + top);
    const more = top > 0 && options.skip + top < sorted.length;
    const paging = { ...options.raw, $top: String(top), $skip: String(options.skip + top) };

    return {
      views,
      ...(options.count ? { count: sorted.length } : {}),
      ...(more ? { nextLink: linkWithOptions(source.link, paging) } : {}),
    };
  }

  async respond(
    context: StaContext,
    graph: StaGraph,
    source: CollectionSource,
    options: QueryOptions,
    skiptoken?: string,
  ): Promise<CollectionResponse> {
    return this.shape(
      context,
      graph,
      source.type,
      await this.page(context, graph, source, options, skiptoken),
      options,
    );
  }

  /** Renders a page as a collection response, in the dataArray format when requested. */
  async shape(
    context: StaContext,
    graph: StaGraph,
    type: EntityTypeName,
    page: EntityPage,
    options: QueryOptions,
  ): Promise<CollectionResponse> {
    const value =
      options.resultFormat === 'dataArray'
        ? this.dataArray(context, type, page.views, options)
        : await Promise.all(page.views.map((view) => this.render(context, graph, view, options)));

    return {
      ...(page.count === undefined ? {} : { '@iot.count': page.count }),
      ...(page.nextLink === undefined ? {} : { '@iot.nextLink': page.nextLink }),
      value,
    };
  }

  async render(
    context: StaContext,
    graph: StaGraph,
    view: StaView,
    options: QueryOptions,
  ): Promise<Record<string, unknown>> {
    const type = view[ENTITY_TYPE];
    const definition = ENTITY_TYPES[type];
    const selfLink = selfLinkOf(context, definition.entitySet, view['@iot.id']);
    const selected = options.select === undefined ? undefined : new Set(options.select);
    const withLinks = !(WITHOUT_SELF_LINK in view);
    const output: Record<string, unknown> = {};
    if (selected === undefined || selected.has('id') || selected.has('@iot.id')) {
      output['@iot.id'] = view['@iot.id'];
    }
    if (selected === undefined && withLinks) {
      output['@iot.selfLink'] = selfLink;
    }
    for (const property of Object.keys(definition.properties)) {
      if ((selected === undefined || selected.has(property)) && view[property] !== undefined) {
        output[property] = view[property];
      }
    }
    for (const navigation of Object.keys(definition.navigation)) {
      if (
        (selected === undefined || selected.has(navigation)) &&
        (withLinks || navigation === 'Datastream')
      ) {
        output[`${navigation}@iot.navigationLink`] = withLinks
          ? `${selfLink}/${navigation}`
          : selfLinkOf(context, 'Datastreams', (view.Datastream as StaView)['@iot.id']);
      }
    }
    for (const item of options.expand) {
      await this.expand(context, graph, view, item.navigation, item.options, selfLink, output);
    }

    return output;
  }

  /** Returns the collection a to-many navigation of an entity leads to. */
  related(graph: StaGraph, view: StaView, navigation: string, selfLink: string): CollectionSource {
    const target = ENTITY_TYPES[view[ENTITY_TYPE]].navigation[navigation].target;
    const link = `${selfLink}/${navigation}`;
    if (target === 'Observation') {
      const datastreams =
        view[ENTITY_TYPE] === 'Datastream'
          ? [view]
          : ((graph.get('Thing', view['@iot.id'])?.Datastreams as StaView[] | undefined) ?? []);

      return { type: 'Observation', link, datastreams };
    }

    return { type: target, link, views: (view[navigation] as StaView[] | undefined) ?? [] };
  }

  private async expand(
    context: StaContext,
    graph: StaGraph,
    view: StaView,
    navigation: string,
    options: QueryOptions,
    selfLink: string,
    output: Record<string, unknown>,
  ): Promise<void> {
    if (!ENTITY_TYPES[view[ENTITY_TYPE]].navigation[navigation].many) {
      const related = view[navigation] as StaView | null | undefined;
      output[navigation] =
        related === null || related === undefined
          ? null
          : await this.render(context, graph, related, options);

      return;
    }
    const source = this.related(graph, view, navigation, selfLink);
    const response = await this.respond(context, graph, source, options);
    output[navigation] = response.value;
    if (response['@iot.count'] !== undefined) {
      output[`${navigation}@iot.count`] = response['@iot.count'];
    }
    if (response['@iot.nextLink'] !== undefined) {
      output[`${navigation}@iot.nextLink`] = response['@iot.nextLink'];
    }
  }

  private dataArray(
    context: StaContext,
    type: EntityTypeName,
    views: StaView[],
    options: QueryOptions,
  ): unknown[] {
    if (type !== 'Observation') {
      throw new AppError(ErrorCode.VALIDATION_FAILED, '$resultFormat=dataArray applies to Observations only');
    }
    if (options.expand.length > 0) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        '$resultFormat=dataArray cannot be combined with $expand; request the related entities separately',
      );
    }
    const components = (options.select ?? DEFAULT_DATA_ARRAY_COMPONENTS).map((name) =>
      name === '@iot.id' ? 'id' : name,
    );
    const navigation = components.find(
      (name) => !['id', ...Object.keys(ENTITY_TYPES.Observation.properties)].includes(name),
    );
    if (navigation !== undefined) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `$select=${navigation} does not name a property, so it cannot be a dataArray component`,
      );
    }

    return toDataArray(views, components, (view) =>
      selfLinkOf(context, 'Datastreams', ((view as StaView).Datastream as StaView)['@iot.id']),
    );
  }
}

import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import {
  ENTITY_TYPES,
  type EntityTypeName,
  type ParsedQuery,
  type ResourcePath,
  validateQueryOptions,
} from '@stadtdaten/sensorthings';
import {
  AGGREGATE_OPTION,
  INTERVAL_OPTION,
  ObservationAggregateService,
} from './observation-aggregate.service';
import { ObservationQueryService } from './observation-query.service';
import {
  type CollectionResponse,
  type CollectionSource,
  StaCollectionService,
} from './sta-collection.service';
import { type StaContext, selfLinkOf } from './sta-context';
import { ENTITY_TYPE, type StaGraph, type StaView } from './sta-graph';
import { StaGraphService } from './sta-graph.service';

/** Query options that this server reads besides the system query options. */
export const EXTENSION_OPTIONS = ['$skiptoken', AGGREGATE_OPTION, INTERVAL_OPTION];

/** The addressed resource: one entity, or a collection. */
export type ResolvedResource =
  { kind: 'entity'; view: StaView } | { kind: 'collection'; source: CollectionSource };

/** A GET response: JSON, or the raw text of a property's `$value`. */
export type ReadResponse = { kind: 'json'; body: unknown } | { kind: 'text'; body: string };

/** Serves GET requests on resource paths: entity sets, entities, navigation, properties and `$value`. */
@Injectable()
export class StaReadService {
  constructor(
    private readonly graphs: StaGraphService,
    private readonly collections: StaCollectionService,
    private readonly observations: ObservationQueryService,
    private readonly aggregates: ObservationAggregateService,
  ) {}

  async read(context: StaContext, path: ResourcePath, query: ParsedQuery): Promise<ReadResponse> {
    const graph = await this.graphs.load(context);
    const resource = await this.resolve(context, graph, path);
    const type = path.steps[path.steps.length - 1].type;
    if (path.property !== undefined) {
      return this.property(resource, path);
    }
    validateQueryOptions(query.options, type, rejectObservationPaths);
    if (resource.kind === 'entity') {
      return {
        kind: 'json',
        body: await this.collections.render(context, graph, resource.view, query.options),
      };
    }

    return { kind: 'json', body: await this.collection(context, graph, resource.source, query) };
  }

  /** Walks a resource path through the graph; an entity the caller cannot see is not found. */
  async resolve(context: StaContext, graph: StaGraph, path: ResourcePath): Promise<ResolvedResource> {
    let resource: ResolvedResource | undefined;
    for (const step of path.steps) {
      if (resource === undefined) {
        const set = ENTITY_TYPES[step.type].entitySet;
        const source: CollectionSource =
          step.type === 'Observation'
            ? { type: 'Observation', link: `${context.baseUrl}/${set}`, datastreams: graph.all('Datastream') }
            : { type: step.type, link: `${context.baseUrl}/${set}`, views: graph.all(step.type) };
        resource =
          step.key === undefined
            ? { kind: 'collection', source }
            : { kind: 'entity', view: await this.member(context, graph, source, step.key) };
        continue;
      }
      if (resource.kind !== 'entity') {
        throw new AppError(ErrorCode.VALIDATION_FAILED, `${step.name} must follow a single entity`);
      }
      const view = resource.view;
      const selfLink = selfLinkOf(context, ENTITY_TYPES[view[ENTITY_TYPE]].entitySet, view['@iot.id']);
      if (!ENTITY_TYPES[view[ENTITY_TYPE]].navigation[step.name].many) {
        const related = view[step.name] as StaView | null | undefined;
        if (related === null || related === undefined) {
          throw notFound(`${step.name} of ${view[ENTITY_TYPE]} "${view['@iot.id']}"`);
        }
        resource = { kind: 'entity', view: related };
        continue;
      }
      const source = this.collections.related(graph, view, step.name, selfLink);
      resource =
        step.key === undefined
          ? { kind: 'collection', source }
          : { kind: 'entity', view: await this.member(context, graph, source, step.key) };
    }

    return resource!;
  }

  private async member(
    context: StaContext,
    graph: StaGraph,
    source: CollectionSource,
    key: string,
  ): Promise<StaView> {
    let view: StaView | undefined;
    if (source.type === 'Observation') {
      const found = await this.observations.findOne(context, graph, key);
      const datastreamId = (found?.Datastream as StaView | undefined)?.['@iot.id'];
      view = source.datastreams.some((datastream) => datastream['@iot.id'] === datastreamId)
        ? found
        : undefined;
    } else {
      view = source.views.find((candidate) => candidate['@iot.id'] === key);
    }
    if (view === undefined) {
      throw notFound(`${source.type} "${key}"`);
    }

    return view;
  }

  private async collection(
    context: StaContext,
    graph: StaGraph,
    source: CollectionSource,
    query: ParsedQuery,
  ): Promise<CollectionResponse> {
    const { options, extensions } = query;
    const aggregate = extensions[AGGREGATE_OPTION];
    const interval = extensions[INTERVAL_OPTION];
    if (aggregate === undefined && interval === undefined) {
      return this.collections.respond(context, graph, source, options, extensions.$skiptoken);
    }
    if (source.type !== 'Observation') {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `${AGGREGATE_OPTION} and ${INTERVAL_OPTION} apply to Observations collections only`,
      );
    }
    const page = await this.aggregates.page(context, graph, {
      scope: source.datastreams,
      options,
      link: source.link,
      aggregate,
      interval,
    });

    return this.collections.shape(context, graph, 'Observation', page, options);
  }

  private property(resource: ResolvedResource, path: ResourcePath): ReadResponse {
    if (resource.kind !== 'entity') {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `property ${path.property} must follow a single entity`,
      );
    }
    const name = path.property!;
    const value = name === 'id' ? resource.view['@iot.id'] : resource.view[name];
    if (value === undefined || value === null) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `property ${name} of ${resource.view[ENTITY_TYPE]} "${resource.view['@iot.id']}" has no value`,
      );
    }
    if (!path.value) {
      return { kind: 'json', body: { [name]: value } };
    }

    return { kind: 'text', body: typeof value === 'string' ? value : JSON.stringify(value) };
  }
}

/** Filters and orderings may not reach Observations from other entities: that would read every observation. */
function rejectObservationPaths(from: EntityTypeName, navigation: string): string | undefined {
  return navigation === 'Observations'
    ? `a path from ${from} through Observations would read every observation; query Observations with a Datastream condition instead`
    : undefined;
}

function notFound(what: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} not found, or not readable with this token`);
}

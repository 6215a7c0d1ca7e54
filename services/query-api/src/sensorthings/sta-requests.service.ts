import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import {
  ENTITY_TYPES,
  type ResourcePath,
  emptyQueryOptions,
  parseCreateObservations,
  parseQueryOptions,
  parseResourcePath,
} from '@stadtdaten/sensorthings';
import {
  type IngestOutcome,
  type ObservationInput,
  ObservationIngestService,
} from './observation-ingest.service';
import { serviceRootDocument } from './service-root';
import { type Body, objectOf } from './sta-catalog-mapping';
import type { InlineObservations } from './sta-catalog';
import { type StaContext, selfLinkOf } from './sta-context';
import type { StaGraph, StaView } from './sta-graph';
import { StaGraphService } from './sta-graph.service';
import { EXTENSION_OPTIONS, StaReadService } from './sta-read.service';
import { StaWriterService } from './sta-writer.service';

/** A response as the controller sends it. */
export interface StaResponse {
  status: number;
  body: unknown;
  /** Sends `body` as text/plain instead of JSON (for `$value`). */
  text?: boolean;
  location?: string;
}

const CREATE_OBSERVATIONS = 'CreateObservations';

/** Dispatches SensorThings requests by method and resource path to the read and write services. */
@Injectable()
export class StaRequestsService {
  constructor(
    private readonly graphs: StaGraphService,
    private readonly reads: StaReadService,
    private readonly writer: StaWriterService,
    private readonly ingest: ObservationIngestService,
  ) {}

  async root(context: StaContext): Promise<StaResponse> {
    await this.graphs.load(context);

    return { status: 200, body: serviceRootDocument(context) };
  }

  async get(context: StaContext, path: string, parameters: Iterable<[string, string]>): Promise<StaResponse> {
    if (path === '') {
      return this.root(context);
    }
    const resourcePath = parseResourcePath(path);
    const query = parseQueryOptions(parameters, EXTENSION_OPTIONS);
    const response = await this.reads.read(context, resourcePath, query);

    return response.kind === 'text'
      ? { status: 200, body: response.body, text: true }
      : { status: 200, body: response.body };
  }

  async post(context: StaContext, path: string, body: unknown): Promise<StaResponse> {
    if (path.replace(/\/$/, '') === CREATE_OBSERVATIONS) {
      return this.createObservations(context, body);
    }
    const resourcePath = parseResourcePath(path);
    const target = resourcePath.steps[resourcePath.steps.length - 1];
    const entity = objectOf(body, `the body of POST ${path}`);
    if (resourcePath.property !== undefined || target.key !== undefined) {
      throw unsupported(
        `POST ${path}`,
        "POST creates entities in a collection, such as Things or Things('id')/Datastreams; use PATCH to change one",
      );
    }
    const parent = resourcePath.steps.length === 2 ? resourcePath.steps[0] : undefined;
    if (
      resourcePath.steps.length > 2 ||
      (parent !== undefined && parent.type !== (target.type === 'Observation' ? 'Datastream' : 'Thing'))
    ) {
      throw unsupported(
        `POST ${path}`,
        'create Datastreams under a Thing, Observations under a Datastream, or either in its own collection',
      );
    }

    switch (target.type) {
      case 'Thing': {
        const created = await this.writer.createThing(context, entity);
        await this.ingestInline(context, created.inline);

        return this.created(context, `Things('${created.id}')`);
      }
      case 'Datastream': {
        const created = await this.writer.createDatastream(context, entity, parent?.key);
        await this.ingestInline(context, created.inline);

        return this.created(context, `Datastreams('${created.id}')`);
      }
      case 'Observation':
        return this.createObservation(context, entity, parent?.key);
      default:
        throw unsupported(
          `POST ${target.name}`,
          `a ${target.type} is created together with what it belongs to: Locations with their Thing, Sensors and ObservedProperties with a Datastream, FeaturesOfInterest are Thing locations`,
        );
    }
  }

  async patch(context: StaContext, path: string, body: unknown): Promise<StaResponse> {
    const resourcePath = parseResourcePath(path);
    const target = resourcePath.steps[resourcePath.steps.length - 1];
    const changes = objectOf(body, `the body of PATCH ${path}`);
    const graph = await this.graphs.load(context);
    const id = await this.entityId(context, graph, resourcePath, `PATCH ${path}`);
    switch (target.type) {
      case 'Thing':
        await this.writer.updateThing(context, id, changes);
        break;
      case 'Location':
        await this.writer.updateLocation(context, id, changes);
        break;
      case 'Datastream':
        await this.writer.updateDatastream(context, id, changes);
        break;
      case 'Sensor':
        await this.writer.updateSensor(context, id, changes);
        break;
      case 'ObservedProperty':
        await this.writer.updateObservedProperty(context, id, changes);
        break;
      default:
        throw unsupported(
          `PATCH ${path}`,
          "observations are immutable once signed, and FeaturesOfInterest change with their Thing's Location",
        );
    }

    return {
      status: 200,
      body: await this.readEntity(context, `${ENTITY_TYPES[target.type].entitySet}('${id}')`),
    };
  }

  async delete(context: StaContext, path: string): Promise<StaResponse> {
    const resourcePath = parseResourcePath(path);
    const target = resourcePath.steps[resourcePath.steps.length - 1];
    const graph = await this.graphs.load(context);
    const id = await this.entityId(context, graph, resourcePath, `DELETE ${path}`);
    if (target.type !== 'Datastream') {
      throw unsupported(
        `DELETE ${path}`,
        'the registry keeps things, devices and observed properties, and observations are immutable once signed; DELETE a Datastream to retire it',
      );
    }
    await this.writer.deleteDatastream(context, id);

    return { status: 200, body: undefined };
  }

  private async createObservation(
    context: StaContext,
    body: Body,
    datastreamId: string | undefined,
  ): Promise<StaResponse> {
    this.ingest.authorize(context);
    const graph = await this.graphs.load(context);
    const reference =
      datastreamId ??
      (objectOf(body.Datastream, 'Observation "Datastream"')['@iot.id'] as string | undefined);
    const input = { datastream: this.datastream(graph, String(reference)), body };
    const [outcome] = await this.ingest.ingest(context, this.ingest.plan(context, [input]));
    if (outcome.status === 'rejected') {
      throw rejected(outcome);
    }
    if (outcome.status === 'pending') {
      const location = selfLinkOf(context, 'Observations', outcome.key);

      return { status: 202, location, body: { '@iot.id': outcome.key, '@iot.selfLink': location } };
    }

    return this.created(context, `Observations('${outcome.key}')`);
  }

  /**
   * Serves CreateObservations: 201 with one entry per row, its selfLink or "error". The reasons of
   * rejected rows are in the tenant's dead letter, GET /api/v1/tenants/<tenant>/rejections.
   */
  private async createObservations(context: StaContext, body: unknown): Promise<StaResponse> {
    this.ingest.authorize(context);
    const entries = parseCreateObservations(body);
    const graph = await this.graphs.load(context);
    const inputs: ObservationInput[] = entries.flatMap((entry) => {
      const datastream = this.datastream(graph, entry.datastreamId);

      return entry.observations.map(({ featureOfInterestId, ...observation }) => ({
        datastream,
        body: {
          ...stripUndefined(observation),
          ...(featureOfInterestId === undefined
            ? {}
            : { FeatureOfInterest: { '@iot.id': featureOfInterestId } }),
        },
      }));
    });
    const outcomes = await this.ingest.ingest(context, this.ingest.plan(context, inputs));

    return {
      status: 201,
      body: outcomes.map((outcome) =>
        outcome.status === 'rejected' ? 'error' : selfLinkOf(context, 'Observations', outcome.key),
      ),
    };
  }

  /** Sends observations given inline in a deep insert; NOTE: the entities stay created when the validator rejects one. */
  private async ingestInline(context: StaContext, inline: InlineObservations[]): Promise<void> {
    if (inline.length === 0) {
      return;
    }
    this.ingest.authorize(context);
    const graph = await this.graphs.load(context);
    const inputs = inline.flatMap((entry) =>
      entry.observations.map((observation) => ({
        datastream: this.datastream(graph, entry.datastreamId),
        body: objectOf(observation, 'an inline Observation'),
      })),
    );
    const outcomes = await this.ingest.ingest(context, this.ingest.plan(context, inputs));
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    if (failed.length > 0) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `the entities were created, but ${failed.length} of ${outcomes.length} inline observations were rejected: ${failed.map((outcome) => `${outcome.key} ${outcome.reasonCode}: ${outcome.detail}`).join('; ')}`,
      );
    }
  }

  private datastream(graph: StaGraph, id: string) {
    const dto = graph.datastreamDtos.get(id);
    if (dto === undefined) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `Datastream "${id}" not found, or not readable with this token`,
      );
    }

    return dto;
  }

  private async entityId(
    context: StaContext,
    graph: StaGraph,
    path: ResourcePath,
    request: string,
  ): Promise<string> {
    if (path.property !== undefined) {
      throw unsupported(request, 'address the entity, not one of its properties');
    }
    const resource = await this.reads.resolve(context, graph, path);
    if (resource.kind !== 'entity') {
      throw unsupported(request, "address one entity, e.g. Things('id')");
    }

    return (resource.view as StaView)['@iot.id'];
  }

  private async created(context: StaContext, path: string): Promise<StaResponse> {
    const body = (await this.readEntity(context, path)) as Record<string, unknown>;

    return { status: 201, location: body['@iot.selfLink'] as string, body };
  }

  private async readEntity(context: StaContext, path: string): Promise<unknown> {
    const response = await this.reads.read(context, parseResourcePath(path), {
      options: emptyQueryOptions(),
      extensions: {},
    });

    return response.body;
  }
}

function unsupported(request: string, reason: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, `${request} is not supported: ${reason}`);
}

function rejected(outcome: IngestOutcome): AppError {
  return new AppError(
    ErrorCode.VALIDATION_FAILED,
    `observation ${outcome.key} was rejected (${outcome.reasonCode}): ${outcome.detail}`,
    {
      details: { reasonCode: outcome.reasonCode },
    },
  );
}

function stripUndefined(value: Record<string, unknown>): Body {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined));
}

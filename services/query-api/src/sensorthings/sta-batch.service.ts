import { Injectable } from '@nestjs/common';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import {
  type ClientProblem,
  type ProblemTexts,
  appErrorProblem,
  preferredLanguage,
  problemDetails,
} from '@stadtdaten/runtime';
import {
  type BatchOutcome,
  bodyReferences,
  entityPathOf,
  resolveBodyReferences,
  resolveUrlReference,
  targetOf,
} from './sta-batch-references';
import { type BatchRequest, parseBatch } from './sta-batch.parser';
import type { StaContext } from './sta-context';
import { type StaResponse, StaRequestsService } from './sta-requests.service';
import { SensorThingsSettings } from './sensorthings-settings';

/** One entry of `responses` in a batch response. */
export interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const FAILED_DEPENDENCY: ProblemTexts = {
  en: 'Failed dependency',
  de: 'Abhängige Anfrage fehlgeschlagen',
  germanHint:
    'Die Anfrage wurde nicht ausgeführt, weil eine Anfrage, von der sie abhängt, fehlgeschlagen ist.',
};

/**
 * Serves `POST /sta/v1.1/tenants/<tenant>/$batch` in the JSON batch format of OData 4.01. The
 * inner requests run one after another, in order, through StaRequestsService with the principal
 * of the batch request, so each meets the same tenant, role, visibility and audit rules as a
 * direct call. A failed request does not stop the others. A request whose dependsOn names a
 * failed one does not run and gets the response 424.
 * NOTE: the rate limit of the HTTP edge counts a batch as one request; `batchMaxRequests` bounds
 * the work that one batch adds.
 */
@Injectable()
export class StaBatchService {
  constructor(
    private readonly requests: StaRequestsService,
    private readonly settings: SensorThingsSettings,
    private readonly clock: Clock,
    private readonly logger: ProcessLogger,
  ) {}

  async run(context: StaContext, body: unknown, acceptLanguage: string | undefined): Promise<StaResponse> {
    const requests = parseBatch(body, this.settings.batchMaxRequests);

    const outcomes = new Map<string, BatchOutcome>();
    const responses: BatchResponse[] = [];
    for (const request of requests) {
      const language = preferredLanguage(request.headers['accept-language'] ?? acceptLanguage);
      const response = await this.runOne(context, request, outcomes, language);
      outcomes.set(request.id, this.outcomeOf(context, response));
      responses.push(response);
    }
    this.logger.root.debug(
      {
        tenant: context.tenant,
        requests: responses.length,
        failed: responses.filter((response) => response.status >= 400).length,
      },
      'sensorthings batch served',
    );

    return { status: 200, body: { responses } };
  }

  private async runOne(
    context: StaContext,
    request: BatchRequest,
    outcomes: ReadonlyMap<string, BatchOutcome>,
    language: 'de' | 'en',
  ): Promise<BatchResponse> {
    const failed = [...request.dependsOn, ...bodyReferences(request.body, outcomes)].find(
      (id) => (outcomes.get(id)?.status ?? 0) >= 400,
    );
    if (failed !== undefined) {
      const message = `request "${request.id}" was not run, because request "${failed}" failed with status ${outcomes.get(failed)!.status}; fix that request and send both again`;

      return this.problem(
        request,
        { code: 'FAILED_DEPENDENCY', status: 424, message },
        language,
        FAILED_DEPENDENCY,
      );
    }

    try {
      const innerContext = { ...context, nowMs: this.clock.now() };
      const response = await this.dispatch(innerContext, request, outcomes);

      return toBatchResponse(request.id, response);
    } catch (error) {
      return this.problem(request, this.classify(context, request, error), language);
    }
  }

  private async dispatch(
    context: StaContext,
    request: BatchRequest,
    outcomes: ReadonlyMap<string, BatchOutcome>,
  ): Promise<StaResponse> {
    const { path, query } = targetOf(context, resolveUrlReference(request, outcomes));
    const body = resolveBodyReferences(request.body, outcomes);
    switch (request.method) {
      case 'get':
        return this.requests.get(context, path, new URLSearchParams(query));
      case 'post':
        return this.requests.post(context, path, body);
      case 'patch':
        return this.requests.patch(context, path, body);
      case 'delete':
        return this.requests.delete(context, path);
      case 'put':
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          'PUT is not supported: change entities with PATCH and the members to change',
        );
    }
  }

  /** Maps an error as the HTTP edge does: AppErrors by their code, anything else to a logged 500. */
  private classify(context: StaContext, request: BatchRequest, error: unknown): ClientProblem {
    if (error instanceof AppError) {
      this.logger.root.info(
        { code: error.code, tenant: context.tenant, batchRequest: request.id, method: request.method },
        'batch request rejected',
      );

      return appErrorProblem(error);
    }
    this.logger.root.error(
      { err: error, tenant: context.tenant, batchRequest: request.id, method: request.method },
      'batch request failed',
    );

    return { code: 'INTERNAL', status: 500, message: 'internal error' };
  }

  private problem(
    request: BatchRequest,
    problem: ClientProblem,
    language: 'de' | 'en',
    texts?: ProblemTexts,
  ): BatchResponse {
    return {
      id: request.id,
      status: problem.status,
      headers: { 'content-type': 'application/problem+json' },
      body: problemDetails(problem, language, request.url, texts),
    };
  }

  private outcomeOf(context: StaContext, response: BatchResponse): BatchOutcome {
    const body = response.body as Record<string, unknown> | undefined;
    if (response.status >= 400 || typeof body !== 'object' || body === null) {
      return { status: response.status };
    }
    const entityPath = entityPathOf(context, response.headers?.location ?? body['@iot.selfLink']);
    const entityId = body['@iot.id'];

    return entityPath === undefined || typeof entityId !== 'string'
      ? { status: response.status }
      : { status: response.status, entityPath, entityId };
  }
}

function toBatchResponse(id: string, response: StaResponse): BatchResponse {
  const headers: Record<string, string> = {};
  if (response.location !== undefined) {
    headers.location = response.location;
  }
  if (response.text && response.body !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
  }

  return {
    id,
    status: response.status,
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    ...(response.body === undefined ? {} : { body: response.body }),
  };
}

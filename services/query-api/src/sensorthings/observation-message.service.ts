import type { AddressInfo } from 'node:net';
import { Server as HttpsServer } from 'node:https';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Clock, type StoredObservation } from '@stadtdaten/contracts';
import { emptyQueryOptions } from '@stadtdaten/sensorthings';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaCollectionService } from './sta-collection.service';
import { STA_PREFIX, type StaContext } from './sta-context';
import { StaGraph, observationView } from './sta-graph';

/**
 * Renders a stored observation as the SensorThings JSON that a GET of its `@iot.selfLink`
 * returns without query options, for the MQTT messages of new observations.
 */
@Injectable()
export class ObservationMessageService {
  private cachedBaseUrl?: string;

  constructor(
    private readonly collections: StaCollectionService,
    private readonly settings: SensorThingsSettings,
    private readonly clock: Clock,
    private readonly httpAdapterHost: HttpAdapterHost,
  ) {}

  async render(tenant: string, datastreamId: string, row: StoredObservation): Promise<string> {
    const context: StaContext = {
      tenant,
      principal: undefined,
      baseUrl: `${this.baseUrl()}/${STA_PREFIX}/tenants/${encodeURIComponent(tenant)}`,
      nowMs: this.clock.now(),
    };
    // Without $expand the rendering reads only the ids of the related entities, so a graph
    // with the datastream alone gives the same JSON as the REST API's full graph.
    const graph = new StaGraph();
    const datastream = graph.add('Datastream', { '@iot.id': datastreamId });
    const view = observationView(graph, datastream, row);

    return JSON.stringify(await this.collections.render(context, graph, view, emptyQueryOptions()));
  }

  /**
   * Returns the configured public URL, or else the address of this process's HTTP server. A
   * wildcard bind address names no host, so `localhost` is used, which only works on the same
   * machine. Other clients need `publicBaseUrl` (STADTDATEN_OPENDATA_BASE_URL).
   */
  private baseUrl(): string {
    this.cachedBaseUrl ??= this.findBaseUrl();

    return this.cachedBaseUrl ?? 'http://localhost';
  }

  /** Returns undefined while the HTTP server is not listening yet. */
  private findBaseUrl(): string | undefined {
    if (this.settings.publicBaseUrl !== undefined) {
      return this.settings.publicBaseUrl.replace(/\/+$/, '');
    }
    const server = this.httpAdapterHost.httpAdapter?.getHttpServer() as HttpsServer | undefined;
    const address = server?.address() as AddressInfo | null | undefined;
    if (address === null || address === undefined) {
      return undefined;
    }
    const scheme = server instanceof HttpsServer ? 'https' : 'http';
    const host = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.address;

    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
}

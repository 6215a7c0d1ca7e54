import { Injectable } from '@nestjs/common';
import { requireRoles, requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import {
  type Body,
  geometryOfLocation,
  objectOf,
  requireOnly,
  textOf,
  useCaseOf,
} from './sta-catalog-mapping';
import {
  type CatalogDocument,
  type InlineObservations,
  type RegistryState,
  emptyCatalog,
} from './sta-catalog';
import { locationOf, planDatastream, planThing } from './sta-catalog-plan';
import { currentOverrides, deviceDefaults } from './sta-sensor-plan';
import type { StaContext } from './sta-context';

/**
 * Creates, changes and retires registry entries through SensorThings requests. Every change
 * is one catalog document (or datastream patch) applied in one transaction, so a deep insert
 * that fails anywhere writes nothing. Needs a token of the tenant with the tenant-admin role.
 */
@Injectable()
export class StaWriterService {
  constructor(
    private readonly registry: RegistryService,
    private readonly logger: ProcessLogger,
  ) {}

  async createThing(context: StaContext, body: Body): Promise<{ id: string; inline: InlineObservations[] }> {
    this.authorize(context);
    const catalog = emptyCatalog();
    const inline: InlineObservations[] = [];
    const id = planThing(catalog, context.tenant, body, await this.state(context.tenant), inline);
    await this.apply(context, catalog, `Thing ${id}`);

    return { id, inline };
  }

  async createDatastream(
    context: StaContext,
    body: Body,
    thingId?: string,
  ): Promise<{ id: string; inline: InlineObservations[] }> {
    this.authorize(context);
    const catalog = emptyCatalog();
    const inline: InlineObservations[] = [];
    const id = planDatastream(
      catalog,
      context.tenant,
      body,
      thingId,
      await this.state(context.tenant),
      inline,
    );
    await this.apply(context, catalog, `Datastream ${id}`);

    return { id, inline };
  }

  async updateThing(context: StaContext, id: string, body: Body): Promise<void> {
    this.authorize(context);
    requireOnly(
      body,
      ['name', 'description', 'properties', 'Locations'],
      `Thing "${id}"`,
      'its Datastreams change through their own requests',
    );
    const state = await this.state(context.tenant);
    const thing = state.things.find((candidate) => candidate.id === id);
    if (thing === undefined) {
      throw notFound(`Thing "${id}"`);
    }
    const properties =
      body.properties === undefined
        ? { ...thing.properties, useCase: thing.useCase }
        : objectOf(body.properties, 'Thing properties');
    const { useCase: _useCase, ...rest } = properties;
    const location = body.Locations === undefined ? thing.location : locationOf(body.Locations, state);
    const entry = {
      tenant: context.tenant,
      id,
      name: body.name === undefined ? thing.name : textOf(body.name, 'Thing name', true),
      description:
        body.description === undefined
          ? thing.description
          : textOf(body.description, 'Thing description', false),
      useCase: useCaseOf(properties, thing.useCase),
      location,
      properties: rest,
    };
    await this.apply(context, { ...emptyCatalog(), things: [entry] }, `Thing ${id}`);
  }

  async updateLocation(context: StaContext, id: string, body: Body): Promise<void> {
    this.authorize(context);
    requireOnly(
      body,
      ['location', 'encodingType'],
      `Location "${id}"`,
      'a Location carries the name and description of its Thing; change the Thing',
    );
    const thing = await this.registry.getThing(context.tenant, id);
    if (thing === undefined) {
      throw notFound(`Location "${id}"`);
    }
    const location = body.location === undefined ? thing.location : geometryOfLocation(body);
    const entry = {
      tenant: context.tenant,
      id,
      name: thing.name,
      description: thing.description,
      useCase: thing.useCase,
      location,
      properties: thing.properties,
    };
    await this.apply(context, { ...emptyCatalog(), things: [entry] }, `Location ${id}`);
  }

  async updateDatastream(context: StaContext, id: string, body: Body): Promise<void> {
    this.authorize(context);
    requireOnly(
      body,
      ['name', 'description', 'properties'],
      `Datastream "${id}"`,
      'unit, observation type, Thing, Sensor and ObservedProperty follow from the device type',
    );
    await this.activeDatastream(context.tenant, id);
    const properties =
      body.properties === undefined ? {} : objectOf(body.properties, 'Datastream properties');
    requireOnly(
      properties,
      ['classification', 'retentionDays'],
      'Datastream properties',
      'the registry stores only these two settings per datastream',
    );
    await this.registry.patchDatastream(context.tenant, id, {
      ...(body.name === undefined ? {} : { name: textOf(body.name, 'Datastream name', true) }),
      ...(body.description === undefined
        ? {}
        : { description: textOf(body.description, 'Datastream description', false) }),
      ...(properties.classification === undefined
        ? {}
        : { classification: properties.classification as never }),
      ...(properties.retentionDays === undefined
        ? {}
        : { retentionDays: properties.retentionDays as number | null }),
    });
    this.logger.root.info(
      { tenant: context.tenant, subject: context.principal?.subject, datastream: id },
      'sensorthings datastream changed',
    );
  }

  async updateSensor(context: StaContext, id: string, body: Body): Promise<void> {
    this.authorize(context);
    requireOnly(
      body,
      ['name', 'description'],
      `Sensor "${id}"`,
      'a Sensor is a device whose type a catalog defines',
    );
    const state = await this.state(context.tenant);
    const device = state.devices.find((candidate) => candidate.id === id);
    if (device === undefined) {
      throw notFound(`Sensor "${id}"`);
    }
    const overrides = Object.fromEntries(
      state.datastreams
        .filter((datastream) => datastream.deviceId === id)
        .map((datastream) => [datastream.field, currentOverrides(datastream)]),
    );
    const entry = {
      tenant: context.tenant,
      id,
      type: device.deviceTypeId,
      thing: device.thingId,
      name: body.name === undefined ? device.name : textOf(body.name, 'Sensor name', true),
      description:
        body.description === undefined
          ? device.description
          : textOf(body.description, 'Sensor description', false),
      ...deviceDefaults(device),
      datastreams: overrides,
    };
    await this.apply(context, { ...emptyCatalog(), devices: [entry] }, `Sensor ${id}`);
  }

  /** Changes an observed property; they are shared by all tenants, as in catalogs of tenant admins. */
  async updateObservedProperty(context: StaContext, id: string, body: Body): Promise<void> {
    this.authorize(context);
    requireOnly(
      body,
      ['name', 'definition', 'description'],
      `ObservedProperty "${id}"`,
      'observed properties have no further properties here',
    );
    const { datastreams } = await this.state(context.tenant);
    const current = datastreams.find((datastream) => datastream.observedProperty.id === id)?.observedProperty;
    if (current === undefined) {
      throw notFound(`ObservedProperty "${id}"`);
    }
    const entry = {
      id,
      name: body.name === undefined ? current.name : textOf(body.name, 'ObservedProperty name', true),
      definition:
        body.definition === undefined
          ? current.definition
          : textOf(body.definition, 'ObservedProperty definition', true),
      description:
        body.description === undefined
          ? current.description
          : textOf(body.description, 'ObservedProperty description', false),
    };
    await this.apply(context, { ...emptyCatalog(), observedProperties: [entry] }, `ObservedProperty ${id}`);
  }

  /**
   * Retires a datastream: the validator rejects its readings from then on, its observations
   * stay stored (and readable through /api/v1), and the SensorThings API no longer lists it.
   */
  async deleteDatastream(context: StaContext, id: string): Promise<void> {
    this.authorize(context);
    await this.activeDatastream(context.tenant, id);
    await this.registry.retireDatastream(context.tenant, id);
    this.logger.root.info(
      { tenant: context.tenant, subject: context.principal?.subject, datastream: id },
      'sensorthings datastream retired',
    );
  }

  private async activeDatastream(tenant: string, id: string) {
    const datastream = await this.registry.getDatastream(tenant, id);
    if (datastream === undefined || datastream.retired) {
      throw notFound(`Datastream "${id}"`);
    }

    return datastream;
  }

  private authorize(context: StaContext): void {
    const principal = requireTenant(context.principal, context.tenant);
    requireRoles(principal, ['tenant-admin']);
  }

  private async state(tenant: string): Promise<RegistryState> {
    const [things, devices, datastreams] = await Promise.all([
      this.registry.listThings(tenant),
      this.registry.listDevices(tenant),
      this.registry.listDatastreams(tenant),
    ]);

    return { things, devices, datastreams };
  }

  private async apply(context: StaContext, catalog: CatalogDocument, what: string): Promise<void> {
    const document = Object.fromEntries(Object.entries(catalog).filter(([, entries]) => entries.length > 0));
    const result = await this.registry.applyCatalog(document);
    this.logger.root.info(
      {
        tenant: context.tenant,
        subject: context.principal?.subject,
        entity: what,
        created: result.created,
        updated: result.updated,
      },
      'sensorthings registry write',
    );
  }
}

function notFound(what: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
}

import { Controller, Delete, Param } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { RejectionStore } from '@stadtdaten/dead-letter';
import { SignatureStore } from '@stadtdaten/integrity';
import { RegistryService } from '@stadtdaten/registry';
import { AuditTrail, PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { Inject } from '@nestjs/common';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';

const BEGINNING_MS = -8_640_000_000_000_000;
const END_MS = 8_640_000_000_000_000;

/** Requests of data subjects: erase what a device recorded about a person. */
@Controller('api/v1/tenants/:tenant/devices/:deviceId/personal-data')
export class PersonalDataController {
  constructor(
    private readonly registry: RegistryService,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
    private readonly signatures: SignatureStore,
    private readonly rejections: RejectionStore,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Deletes the observations of the device's personal datastreams, the signed copies of their
   * fields and the device's dead-letter entries, and audits the request with the counts.
   */
  // NOTE: the raw and personal topics keep the device's encrypted messages until the topic
  // retention removes them; the keys are per tenant, so they cannot be shredded per device.
  @Delete()
  @Roles('tenant-admin')
  async erase(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('deviceId') deviceId: string) {
    requireTenant(principal, tenant);
    const device = (await this.registry.listDevices(tenant)).find((entry) => entry.id === deviceId);
    if (device === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, `device "${deviceId}" of tenant "${tenant}" not found`);
    }
    const datastreams = (await this.registry.listDatastreams(tenant)).filter(
      (datastream) => datastream.deviceId === deviceId && datastream.classification === 'personal',
    );
    let observations = 0;
    for (const datastream of datastreams) {
      observations += await this.personalStore.count(tenant, datastream.id);
      await this.personalStore.deleteRange(tenant, datastream.id, BEGINNING_MS, END_MS);
    }
    const signatures = await this.signatures.forgetDatastreams(tenant, datastreams.map((datastream) => datastream.id));
    const rejections = await this.rejections.deleteByDevice(tenant, deviceId);
    const result = { deviceId, datastreams: datastreams.map((datastream) => datastream.id), observations, signatures, rejections };
    await this.audit.record(principal, 'PERSONAL_DATA_DELETED', { tenant, resourceType: 'device', resourceId: deviceId }, 'success', {
      datastreams: datastreams.length,
      observations,
      signatures,
      rejections,
    });

    return result;
  }
}

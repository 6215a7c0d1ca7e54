import { Injectable } from '@nestjs/common';
import { RegistryService } from '@stadtdaten/registry';
import type { QualityStatus } from './quality-rules';
import { QualityService } from './quality.service';

/** The quality status of one public datastream, as anyone may read it. */
export interface PublicDatastreamQuality {
  datastreamId: string;
  thingId: string;
  deviceId: string;
  status: QualityStatus;
  /** When the platform last received a reading of the datastream (ISO 8601). */
  lastReceivedAt?: string;
}

/**
 * The quality status of a tenant's public datastreams for callers without a token. The
 * registry is read at each request, so a datastream that became internal, personal or retired
 * since the last check is left out at once. Device-wide problems (the rejection rate) and the
 * problem details stay with GET /api/v1/quality, because they describe what the device sent,
 * including rejected messages.
 */
@Injectable()
export class PublicQualityService {
  constructor(
    private readonly quality: QualityService,
    private readonly registry: RegistryService,
  ) {}

  async list(tenant: string, thingId?: string): Promise<PublicDatastreamQuality[]> {
    const publicDatastreams = await this.registry.listDatastreams(tenant, { publicOnly: true, thingId });
    const byId = new Map(publicDatastreams.map((datastream) => [datastream.id, datastream]));

    const items: PublicDatastreamQuality[] = [];
    for (const device of this.quality.list(tenant)) {
      for (const entry of device.datastreams) {
        const datastream = byId.get(entry.datastreamId);
        if (datastream === undefined || datastream.deviceId !== device.deviceId) {
          continue;
        }
        items.push({
          datastreamId: entry.datastreamId,
          thingId: datastream.thingId,
          deviceId: device.deviceId,
          status: entry.status,
          lastReceivedAt: entry.lastReceivedAt,
        });
      }
    }

    return items.sort((a, b) => a.datastreamId.localeCompare(b.datastreamId));
  }
}

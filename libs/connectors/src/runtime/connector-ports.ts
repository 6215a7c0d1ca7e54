import type { RejectionCode } from '@stadtdaten/contracts';
import type { SourceFeature } from '../decoders/source-decoder.interface';

/** Destination of a connector's output: the tenant's raw topic and its dead letter. */
export interface ConnectorSink {
  /** Appends one raw message and resolves once the event log has stored it. */
  publish(message: ConnectorMessage): Promise<void>;
  /** Sends a value that could not be used to the dead letter, with its reason. */
  reject(entry: ConnectorRejection): Promise<void>;
}

export interface ConnectorMessage {
  tenant: string;
  deviceId: string;
  /** Topic `connector/<name>/<source>`, so that a dead-letter entry names the message's origin. */
  topic: string;
  clientId: string;
  format: 'senml';
  contentType: string;
  payload: Uint8Array;
}

export interface ConnectorRejection {
  tenant: string;
  deviceId: string;
  topic: string;
  clientId: string;
  format: string;
  payload: Uint8Array;
  reasonCode: RejectionCode;
  detail: string;
  field?: string;
}

/** A thing and device to create for a feature that the registry does not know yet. */
export interface FeatureRegistration {
  deviceId: string;
  deviceType: string;
  useCase: string;
  classification?: 'public' | 'internal' | 'personal';
  feature: SourceFeature & { geometry: NonNullable<SourceFeature['geometry']> };
  connector: string;
}

/** The registry as far as connectors need it. */
export interface DeviceDirectory {
  /** Ids of the tenant's devices that exist, among the ones asked for. */
  existingDevices(tenant: string, deviceIds: readonly string[]): Promise<Set<string>>;
  /**
   * Checks the mapping against the registry: that the tenant exists and has the device type,
   * and that the type has the fields the mapping writes to. Returns one problem per mistake,
   * each naming the setting to correct.
   */
  checkMapping(tenant: string, deviceType: string, targetFields: readonly string[] | undefined): Promise<string[]>;
  /** Creates a thing and a device per entry, as one catalog change. */
  register(tenant: string, entries: readonly FeatureRegistration[]): Promise<void>;
}

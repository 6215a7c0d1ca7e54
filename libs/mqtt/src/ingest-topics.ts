/** Tenant, device and format that an MQTT topic names. */
export interface IngestTopic {
  /** Tenant named by the topic, where the layout has one; it must match the client's tenant. */
  tenant?: string;
  deviceId: string;
  /** Decoder named by the topic layout; undefined means the device type's configured format. */
  format?: string;
}

const STADTDATEN_TOPIC = /^stadtdaten\/([^/]+)\/([^/]+)\/up(?:\/([a-z0-9-]+))?$/;
const TTS_TOPIC = /^v3\/([^/@]+)@([^/]+)\/devices\/([^/]+)\/up$/;
const CHIRPSTACK_TOPIC = /^application\/([^/]+)\/device\/([0-9a-fA-F]{16})\/event\/up$/;

/**
 * Reads the ingest topic layouts:
 * - `stadtdaten/<tenant>/<device>/up`, optionally followed by `/<format>` (e.g. `/senml`);
 * - The Things Stack v3: `v3/<application>@<tenant>/devices/<device>/up` (format ttn-v3);
 * - ChirpStack v4: `application/<id>/device/<devEUI>/event/up` (format chirpstack-v4, device id
 *   is the DevEUI in lower case, the tenant comes from the client's identity alone).
 * Returns undefined for every other topic.
 */
export function parseIngestTopic(topic: string): IngestTopic | undefined {
  const own = STADTDATEN_TOPIC.exec(topic);
  if (own) {
    return { tenant: own[1], deviceId: own[2], format: own[3] };
  }
  const tts = TTS_TOPIC.exec(topic);
  if (tts) {
    return { tenant: tts[2], deviceId: tts[3], format: 'ttn-v3' };
  }
  const chirpstack = CHIRPSTACK_TOPIC.exec(topic);
  if (chirpstack) {
    return { deviceId: chirpstack[2].toLowerCase(), format: 'chirpstack-v4' };
  }

  return undefined;
}

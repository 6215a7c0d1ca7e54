import { parseSensorCommunityArchiveCsv } from '@stadtdaten/formats';

/** One MQTT message of a replay. */
export interface PlannedMessage {
  topic: string;
  payload: Buffer;
  /** 1-based line of the input file, for error reports. */
  line: number;
}

export interface ReplayPlan {
  messages: PlannedMessage[];
  /** Lines that could not be turned into a message, with the reason. */
  unroutable: { line: number; reason: string }[];
}

export const REPLAY_FORMATS = ['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'sensor-community', 'sensor-community-csv'] as const;

export type ReplayFormat = (typeof REPLAY_FORMATS)[number];

export interface PlanOptions {
  format: ReplayFormat;
  tenant: string;
  /** Device id for formats whose payload names none (json, senml). */
  device?: string;
}

/**
 * Turns a file into MQTT messages on the topic layout of its format: JSON lines of any
 * accepted payload format, or the sensor.community archive CSV (one plain JSON reading per row).
 */
export function planReplay(text: string, options: PlanOptions): ReplayPlan {
  if (options.format === 'sensor-community-csv') {
    return planArchiveCsv(text, options.tenant);
  }

  const document = wholeJsonDocument(text);
  if (document !== undefined) {
    return planLines(document, options);
  }

  return planLines(text, options);
}

/**
 * Returns a file that is one JSON document (a pretty-printed object or array) compacted,
 * so it is sent as one message. Returns undefined for anything else, which is read as
 * JSON lines, one message per line.
 */
function wholeJsonDocument(text: string): string | undefined {
  if (!text.includes('\n') || text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function planLines(text: string, options: PlanOptions): ReplayPlan {
  const plan: ReplayPlan = { messages: [], unroutable: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((content, index) => {
    if (content.trim() === '') {
      return;
    }
    const line = index + 1;
    try {
      plan.messages.push({ topic: topicFor(content, options), payload: Buffer.from(content), line });
    } catch (error) {
      plan.unroutable.push({ line, reason: (error as Error).message });
    }
  });

  return plan;
}

function topicFor(content: string, options: PlanOptions): string {
  const { format, tenant, device } = options;
  if (format === 'json' || format === 'senml') {
    if (!device) {
      throw new Error(`format ${format} needs --device: its payload does not name the device`);
    }

    return `stadtdaten/${tenant}/${device}/up/${format}`;
  }
  const body = JSON.parse(content) as Record<string, any>;
  if (format === 'ttn-v3') {
    const message = body.name === 'as.up.data.forward' ? body.data : body;
    const ids = message?.end_device_ids;
    if (!ids?.device_id || !ids?.application_ids?.application_id) {
      throw new Error('uplink has no end_device_ids.device_id and application id');
    }

    return `v3/${ids.application_ids.application_id}@${tenant}/devices/${device ?? ids.device_id}/up`;
  }
  if (format === 'chirpstack-v4') {
    const application = body.deviceInfo?.applicationId ?? body.applicationID;
    const devEui = body.deviceInfo?.devEui ?? (body.devEUI ? Buffer.from(body.devEUI, 'base64').toString('hex') : undefined);
    if (!application || !devEui) {
      throw new Error('uplink has no application id and DevEUI');
    }

    return `application/${application}/device/${devEui.toLowerCase()}/event/up`;
  }
  const esp = body.esp8266id ?? body.esp32id;
  if (!device && esp === undefined) {
    throw new Error('sensor.community payload has no esp8266id; pass --device');
  }

  return `stadtdaten/${tenant}/${device ?? `esp8266-${esp}`}/up/sensor-community`;
}

function planArchiveCsv(text: string, tenant: string): ReplayPlan {
  const rows = parseSensorCommunityArchiveCsv(text);

  return {
    messages: rows.map((row, index) => ({
      topic: `stadtdaten/${tenant}/sensor-community-${row.sensorId}/up/json`,
      payload: Buffer.from(JSON.stringify({ time: new Date(row.timeMs).toISOString(), ...row.values })),
      line: index + 2,
    })),
    unroutable: [],
  };
}

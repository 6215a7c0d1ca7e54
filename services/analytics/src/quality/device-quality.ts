import { DatastreamHistory, type QualityReading } from './datastream-history';
import type { QualityProblem, QualityStatus } from './quality-rules';

const MINUTE_MS = 60_000;

/** Maximum window over which message counts are kept, in milliseconds. */
const MAX_COUNT_WINDOW_MS = 86_400_000;

/** Status of one datastream as the quality view shows it. */
export interface DatastreamQuality {
  datastreamId: string;
  status: QualityStatus;
  lastReceivedAt?: string;
}

/** Quality state of one device: reading histories, message counts and the last status. */
export class DeviceQuality {
  readonly datastreams = new Map<string, DatastreamHistory>();
  /** Accepted and rejected messages per minute (by receive time). */
  private readonly messages = new Map<number, { accepted: number; rejected: number }>();
  /** Datastreams whose latest stored observation was read after the start. */
  readonly seeded = new Set<string>();
  status: QualityStatus = 'unknown';
  problems: QualityProblem[] = [];
  datastreamStatus: DatastreamQuality[] = [];
  /** When the current status began (ISO 8601). */
  since?: string;
  evaluated = false;

  constructor(
    readonly tenant: string,
    readonly deviceId: string,
  ) {}

  addReading(datastreamId: string, reading: QualityReading): void {
    let history = this.datastreams.get(datastreamId);
    if (history === undefined) {
      history = new DatastreamHistory();
      this.datastreams.set(datastreamId, history);
    }
    history.add(reading);
  }

  countMessages(atMs: number, accepted: number, rejected: number): void {
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    const counts = this.messages.get(minute) ?? { accepted: 0, rejected: 0 };
    counts.accepted += accepted;
    counts.rejected += rejected;
    this.messages.set(minute, counts);
  }

  /** Accepted and rejected messages received in the window that ends at `nowMs`. */
  messagesIn(windowMs: number, nowMs: number): { accepted: number; rejected: number } {
    const total = { accepted: 0, rejected: 0 };
    for (const [minute, counts] of this.messages) {
      if (minute < nowMs - MAX_COUNT_WINDOW_MS) {
        this.messages.delete(minute);
      } else if (minute >= nowMs - windowMs) {
        total.accepted += counts.accepted;
        total.rejected += counts.rejected;
      }
    }

    return total;
  }

  /** A key that changes when the set of broken rules changes, not when only their details do. */
  static problemKey(status: QualityStatus, problems: QualityProblem[]): string {
    return `${status}|${problems
      .map((problem) => `${problem.rule}:${problem.datastreamId ?? ''}`)
      .sort()
      .join(',')}`;
  }
}

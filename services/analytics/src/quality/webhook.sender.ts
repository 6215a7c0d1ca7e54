import { randomUUID } from 'node:crypto';
import { Clock } from '@stadtdaten/contracts';
import type { Logger } from '@stadtdaten/observability';
import type { Counter } from 'prom-client';
import type { WebhookTarget } from '../definition/analytics-definition.loader';
import { IdPattern } from '../definition/id-pattern';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

/** One message for the webhooks, with the tenant it belongs to. */
export interface WebhookEvent {
  tenant: string;
  type: string;
  payload: unknown;
}

interface Delivery {
  id: string;
  type: string;
  body: string;
}

/** Outcome of one attempt: delivered, worth another attempt, or given up. */
type Attempt = 'delivered' | 'retry' | 'rejected';

/** Status codes after which another attempt may succeed. */
const RETRIABLE_STATUS = new Set([408, 425, 429]);

/** Every how many dropped deliveries a warning is logged again. */
const DROP_LOG_EVERY = 100;

/**
 * Sends events to one webhook as JSON POSTs, one at a time and in order, each signed with
 * HMAC-SHA-256 (header `X-Stadtdaten-Signature`). A network error, a timeout, 408, 425, 429 or
 * a 5xx response is retried after retryBase × 2^(attempt−1), capped at retryMax and half of it
 * random, up to maxAttempts. Any other status outside 2xx ends the delivery at once. The queue
 * keeps at most maxQueue deliveries and drops the oldest waiting one beyond that.
 */
export class WebhookSender {
  // NOTE: the queue lives in memory, so deliveries still waiting at a restart are lost; MQTT's retained status covers the current state.
  private readonly queue: Delivery[] = [];
  private readonly tenants: IdPattern;
  private worker?: Promise<void>;
  private closed = false;
  private dropped = 0;
  private wakeUp?: () => void;

  constructor(
    private readonly target: WebhookTarget,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly outcomes: Counter<'webhook' | 'outcome'>,
  ) {
    this.tenants = new IdPattern(target.tenants);
  }

  get name(): string {
    return this.target.name;
  }

  /** Deliveries waiting, including the one in progress. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues the event when the webhook takes its tenant; returns whether it was queued. */
  enqueue(event: WebhookEvent): boolean {
    if (this.closed || !this.tenants.matches(event.tenant)) {
      return false;
    }
    this.queue.push({ id: randomUUID(), type: event.type, body: JSON.stringify(event.payload) });
    if (this.queue.length > this.target.maxQueue) {
      this.queue.splice(1, 1);
      this.countDrop();
    }
    this.worker ??= this.work().finally(() => {
      this.worker = undefined;
    });

    return true;
  }

  /** Stops after the attempt in progress; deliveries still queued are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.worker;
  }

  private async work(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const delivery = this.queue[0];
      await this.deliver(delivery);
      if (this.queue[0] === delivery) {
        this.queue.shift();
      }
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= this.target.maxAttempts && !this.closed; attempt += 1) {
      const outcome = await this.attempt(delivery, attempt);
      if (outcome !== 'retry') {
        this.outcomes.inc({ webhook: this.target.name, outcome: outcome === 'delivered' ? 'delivered' : 'rejected' });

        return;
      }
      if (attempt < this.target.maxAttempts) {
        await this.pause(this.backoffMs(attempt));
      }
    }
    if (!this.closed) {
      this.outcomes.inc({ webhook: this.target.name, outcome: 'failed' });
      this.log.error({ webhook: this.target.name, deliveryId: delivery.id, attempts: this.target.maxAttempts }, 'webhook delivery failed');
    }
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<Attempt> {
    const timestampSeconds = Math.floor(this.clock.now() / 1000);
    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.target.timeout),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'stadtdaten-analytics',
          'x-stadtdaten-delivery': delivery.id,
          'x-stadtdaten-event': delivery.type,
          [SIGNATURE_HEADER]: signatureHeader(this.target.secret, delivery.body, timestampSeconds),
        },
        body: delivery.body,
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        return 'delivered';
      }
      const retriable = response.status >= 500 || RETRIABLE_STATUS.has(response.status);
      this.log.warn({ webhook: this.target.name, deliveryId: delivery.id, status: response.status, attempt }, retriable ? 'webhook delivery retried' : 'webhook delivery rejected');

      return retriable ? 'retry' : 'rejected';
    } catch (error) {
      this.log.warn({ webhook: this.target.name, deliveryId: delivery.id, err: error, attempt }, 'webhook delivery retried');

      return 'retry';
    }
  }

  private backoffMs(attempt: number): number {
    const capped = Math.min(this.target.retryMax, this.target.retryBase * 2 ** (attempt - 1));

    return capped / 2 + Math.random() * (capped / 2);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private countDrop(): void {
    this.dropped += 1;
    this.outcomes.inc({ webhook: this.target.name, outcome: 'dropped' });
    if (this.dropped % DROP_LOG_EVERY === 1) {
      this.log.warn({ webhook: this.target.name, dropped: this.dropped, maxQueue: this.target.maxQueue }, 'webhook queue full, oldest delivery dropped');
    }
  }
}

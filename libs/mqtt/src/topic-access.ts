import type { Principal } from '@stadtdaten/contracts';

/**
 * Access rules of the embedded broker for a topic tree outside the ingest layouts, such as the
 * SensorThings topics under `v1.1/`. The broker calls the policy before it grants a
 * subscription and again before it delivers each message, because a subscription granted for
 * one topic filter may match topics with other readers.
 */
export interface TopicAccessPolicy {
  /** Topic prefix the policy governs, ending with `/`, e.g. `v1.1/`. */
  readonly prefix: string;

  /**
   * Resolves whether the client may subscribe to `topicFilter`, which starts with `prefix` and
   * may contain wildcards. `principal` is undefined for a client that logged in without a token.
   */
  authorizeSubscribe(principal: Principal | undefined, topicFilter: string): Promise<boolean>;

  /**
   * Returns whether a message on `topic` goes to the client. Aedes calls it once per message
   * and subscriber and needs the result synchronously, so it must not wait for I/O.
   */
  authorizeDelivery(principal: Principal | undefined, topic: string): boolean;

  /**
   * Reports a message on `topic` that the client may receive but that the broker skipped,
   * because the client's connection has not yet sent the earlier messages.
   */
  deliverySkipped(topic: string): void;
}

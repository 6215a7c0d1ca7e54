import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type Observation,
  ObservationSchema,
  type RawMessage,
  RawMessageSchema,
  type Rejection,
  RejectionSchema,
} from './gen/stadtdaten/events/v1/events_pb';
import type { ResultValue } from './model';

export type { Observation, RawMessage, Rejection };
export { ObservationSchema, RawMessageSchema, RejectionSchema };

export type RawMessageInit = Parameters<typeof create<typeof RawMessageSchema>>[1];
export type ObservationInit = Parameters<typeof create<typeof ObservationSchema>>[1];
export type RejectionInit = Parameters<typeof create<typeof RejectionSchema>>[1];

export function createRawMessage(init: RawMessageInit): RawMessage {
  return create(RawMessageSchema, init);
}

export function createObservation(init: ObservationInit): Observation {
  return create(ObservationSchema, init);
}

export function createRejection(init: RejectionInit): Rejection {
  return create(RejectionSchema, init);
}

export function encodeRawMessage(message: RawMessage): Uint8Array {
  return toBinary(RawMessageSchema, message);
}

export function decodeRawMessage(bytes: Uint8Array): RawMessage {
  return fromBinary(RawMessageSchema, bytes);
}

export function encodeObservation(message: Observation): Uint8Array {
  return toBinary(ObservationSchema, message);
}

export function decodeObservation(bytes: Uint8Array): Observation {
  return fromBinary(ObservationSchema, bytes);
}

export function encodeRejection(message: Rejection): Uint8Array {
  return toBinary(RejectionSchema, message);
}

export function decodeRejection(bytes: Uint8Array): Rejection {
  return fromBinary(RejectionSchema, bytes);
}

/** Maps a result value onto the Observation's `result` oneof. */
export function toResultCase(value: ResultValue): Observation['result'] {
  if (typeof value === 'number') {
    return { case: 'number', value };
  }
  if (typeof value === 'string') {
    return { case: 'text', value };
  }
  if (typeof value === 'boolean') {
    return { case: 'boolean', value };
  }

  return { case: 'json', value: JSON.stringify(value) };
}

/** Reads the `result` oneof of an Observation back into a plain value. */
export function fromResultCase(result: Observation['result']): ResultValue {
  switch (result.case) {
    case 'number':
    case 'text':
    case 'boolean':
      return result.value;
    case 'json':
      return JSON.parse(result.value) as ResultValue;
    default:
      throw new Error('observation has no result');
  }
}

import { AppError } from '@stadtdaten/contracts';

export const CONNECTOR_FETCH_FAILED = 'CONNECTOR_FETCH_FAILED';

/** A source that could not be read; `retriable` tells whether another attempt may help. */
export class ConnectorFetchError extends AppError {
  constructor(message: string, options: { retriable: boolean; status?: number; cause?: unknown }) {
    super(CONNECTOR_FETCH_FAILED, message, {
      retriable: options.retriable,
      cause: options.cause,
      details: options.status === undefined ? {} : { status: options.status },
    });
  }
}

/** Columns of the rejection table, the same in the SQLite and the PostgreSQL store. */
export const COLUMNS = [
  'id',
  'tenant',
  'reason_code',
  'detail',
  'device_id',
  'field',
  'entry_index',
  'topic',
  'source_protocol',
  'format',
  'content_type',
  'received_at_ms',
  'rejected_at_ms',
  'payload_base64',
  'validator_version',
  'resubmitted_at_ms',
  'resubmitted_by',
] as const;

/** Columns a re-arriving rejection overwrites when it reopens a re-submitted one: all but id and tenant. */
export const REPLACED_COLUMNS = COLUMNS.filter((column) => column !== 'id' && column !== 'tenant');

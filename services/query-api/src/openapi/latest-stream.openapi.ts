/**
 * OpenAPI description of the dashboard module's live stream, which the query API and the
 * all-in-one platform serve beside the REST routes.
 */

const EXAMPLE_STREAM = [
  'retry: 5000',
  '',
  'event: snapshot',
  'data: [{"datastreamId":"glass-7.fill","thingId":"container-7","id":"ZK3v…","phenomenonTime":"2026-12-05T09:00:00.000Z","resultTime":"2026-12-05T09:00:00.100Z","result":42.5}]',
  '',
  ': heartbeat',
  '',
  'event: update',
  'data: [{"datastreamId":"glass-7.fill","thingId":"container-7","id":"Qm8p…","phenomenonTime":"2026-12-05T09:05:00.000Z","resultTime":"2026-12-05T09:05:00.100Z","result":43}]',
  '',
  '',
].join('\n');

export function latestStreamSchemas() {
  return {
    LatestEntry: {
      type: 'object',
      description:
        'Latest observation of one public datastream, one element of the `data` array of a live-stream event.',
      required: ['datastreamId', 'thingId', 'id', 'phenomenonTime', 'resultTime', 'result'],
      properties: {
        datastreamId: { type: 'string' },
        thingId: { type: 'string' },
        id: { type: 'string', description: 'Observation id, for /observations/{id}/proof' },
        phenomenonTime: { type: 'string', format: 'date-time' },
        resultTime: { type: 'string', format: 'date-time' },
        result: { description: 'Number, string, boolean or object, as the datastream records it' },
      },
    },
  };
}

export function latestStreamPaths(tenantParam: object, problem: object) {
  return {
    '/tenants/{tenant}/latest/stream': {
      get: {
        summary: 'Live stream (server-sent events) of the latest value of every public datastream',
        description: [
          'A `text/event-stream` that stays open until the client closes it. It starts with `retry: 5000`',
          '(milliseconds before a browser reconnects), then sends one `snapshot` event with every public datastream',
          'of the tenant, then after each poll of the store (every 3 s unless configured otherwise) an `update` event',
          'with the entries that changed. The `data` line of each event is a JSON array of `LatestEntry`. A comment',
          'line `: heartbeat` follows every 20 s. Non-public datastreams never appear, whatever token is sent.',
          'A client that leaves 4 MiB of events unread is disconnected. 404: unknown tenant; 503: the server',
          'already serves its maximum of open streams (1000 unless configured otherwise).',
        ].join(' '),
        security: [{}, { bearer: [] }],
        parameters: [tenantParam],
        responses: {
          200: {
            description: 'Event stream; each `data` line contains a JSON array of LatestEntry',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                example: EXAMPLE_STREAM,
              },
            },
          },
          default: problem,
        },
      },
    },
  };
}

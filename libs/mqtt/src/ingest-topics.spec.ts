import { parseIngestTopic } from './ingest-topics';

describe('parseIngestTopic', () => {
  it.each([
    ['stadtdaten/darmstadt/dev-1/up', { tenant: 'darmstadt', deviceId: 'dev-1', format: undefined }],
    ['stadtdaten/darmstadt/dev-1/up/senml', { tenant: 'darmstadt', deviceId: 'dev-1', format: 'senml' }],
    ['v3/parking@darmstadt/devices/eui-1/up', { tenant: 'darmstadt', deviceId: 'eui-1', format: 'ttn-v3' }],
    [
      'application/ca73/device/1000000000000ABC/event/up',
      { deviceId: '1000000000000abc', format: 'chirpstack-v4' },
    ],
  ])('reads %s', (topic, expected) => {
    expect(parseIngestTopic(topic)).toEqual(expected);
  });

  it.each(['stadtdaten/darmstadt/dev-1/down', 'v3/app/devices/x/up', 'application/a/device/xyz/event/up', 'other'])(
    'ignores %s',
    (topic) => {
      expect(parseIngestTopic(topic)).toBeUndefined();
    },
  );
});

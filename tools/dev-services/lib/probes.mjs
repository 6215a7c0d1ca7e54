// Readiness probes: each sends a server one real protocol request over 127.0.0.1 and
// resolves true only on the expected response. Every probe has its own timeout.
import { get as getHttp } from 'node:http';
import { get as getHttps } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

const PROBE_TIMEOUT_MS = 3_000;

/** Returns whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortOpen(port) {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port, timeout: PROBE_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves with the HTTP status of GET `url`, or 0 if the request failed. An https URL is
 * checked against the CA certificate `ca`.
 */
export function httpStatus(url, { ca } = {}) {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? getHttps : getHttp;
    const request = get(url, { timeout: PROBE_TIMEOUT_MS, ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(0));
  });
}

// Sends one request frame and resolves with the first complete response frame (without
// its length prefix), or undefined on error, timeout or a closed connection.
function exchangeFrame(socket, request, frameLength) {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('close', () => finish(undefined));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const length = frameLength(received);
      if (length !== undefined && received.length >= length) {
        finish(received.subarray(0, length));
      }
    });
    socket.write(request);
  });
}

/**
 * Sends a Kafka ApiVersions v0 request (API key 18) over TLS and returns whether the broker
 * responded with error code 0, which it does only once it serves requests. A SASL listener
 * answers ApiVersions before authentication. `tls` contains the CA certificate as `ca`.
 */
export async function kafkaApiVersions(port, tls) {
  const clientId = Buffer.from('stadtdaten-dev-services');
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);

  const socket = connectTls({ host: '127.0.0.1', port, ...tls });
  const frame = await exchangeFrame(socket, Buffer.concat([size, body]), (data) =>
    data.length >= 4 ? data.readInt32BE(0) + 4 : undefined,
  );

  return (
    frame !== undefined && frame.length >= 10 && frame.readInt32BE(4) === 1 && frame.readInt16BE(8) === 0
  );
}

/**
 * Opens an MQTT 3.1.1 connection over TLS with a client certificate and returns whether the
 * broker accepted it (CONNACK return code 0). `tls` contains ca, cert and key as Buffers.
 */
export async function mqttTlsConnect(port, tls) {
  const clientId = Buffer.from(`dev-services-probe-${process.pid}`);
  const variableHeader = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x0a]);
  const payload = Buffer.concat([Buffer.from([clientId.length >> 8, clientId.length & 0xff]), clientId]);
  const remaining = variableHeader.length + payload.length;
  const connectPacket = Buffer.concat([Buffer.from([0x10, remaining]), variableHeader, payload]);

  const socket = connectTls({ host: '127.0.0.1', port, ...tls });
  const connected = await new Promise((resolve) => {
    socket.setTimeout(PROBE_TIMEOUT_MS, () => resolve(false));
    socket.once('secureConnect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) {
    socket.destroy();

    return false;
  }
  const connack = await exchangeFrame(socket, connectPacket, (data) =>
    data.length >= 2 ? data[1] + 2 : undefined,
  );

  return connack !== undefined && connack[0] === 0x20 && connack[3] === 0x00;
}

/**
 * Polls `check` every `intervalMs` until it resolves true, for at most `timeoutMs`, and
 * stops early once `hasExited` reports that the server process ended. Resolves 'ready',
 * 'exited' or 'timeout'.
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 500, hasExited = () => false }) {
  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let attempt = 0; attempt < maxAttempts && Date.now() < deadline; attempt++) {
    if (await check()) {
      return 'ready';
    }
    if (hasExited()) {
      return 'exited';
    }
    await sleep(intervalMs);
  }

  return 'timeout';
}

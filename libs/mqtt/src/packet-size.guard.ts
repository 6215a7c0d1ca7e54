import type { Socket } from 'node:net';

/** Largest remaining length that MQTT's four-byte variable length can state. */
const MAX_ENCODABLE_LENGTH = 268_435_455;

/**
 * Watches the MQTT packets arriving on a socket and calls `onTooLarge` with the stated packet
 * size as soon as a fixed header states more than `maxPacketBytes`, before the body arrives.
 * The broker reads the socket itself and this listener receives the same chunks, so it must be
 * attached after the broker's handler.
 */
export function watchPacketSize(socket: Socket, maxPacketBytes: number, onTooLarge: (statedBytes: number) => void): void {
  let bodyBytesLeft = 0;
  let headerSeen = false;
  let lengthBytes = 0;
  let length = 0;
  let multiplier = 1;

  socket.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (bodyBytesLeft > 0) {
        const skipped = Math.min(bodyBytesLeft, chunk.length - offset);
        bodyBytesLeft -= skipped;
        offset += skipped;
        continue;
      }
      if (!headerSeen) {
        headerSeen = true;
        offset += 1;
        continue;
      }
      const byte = chunk[offset];
      offset += 1;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes += 1;
      if ((byte & 0x80) !== 0 && lengthBytes < 4) {
        continue;
      }
      const packetBytes = 1 + lengthBytes + length;
      if ((byte & 0x80) !== 0 || length > MAX_ENCODABLE_LENGTH || packetBytes > maxPacketBytes) {
        onTooLarge(packetBytes);
        socket.removeAllListeners('data');

        return;
      }
      bodyBytesLeft = length;
      headerSeen = false;
      lengthBytes = 0;
      length = 0;
      multiplier = 1;
    }
  });
}

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folder of the queue entries: one file per waiting or running suite, named `<enqueuedAtMs>-<pid>-<random>`. */
const QUEUE_DIR = join(tmpdir(), 'stadtdaten-production-e2e-queue');
const POLL_INTERVAL_MS = 200;

/**
 * Waits until this process is first in a queue shared by every production suite on the machine,
 * so that only one suite at a time runs its services. The suites must not overlap: the validator
 * and the storage writer always join the Kafka consumer groups "validator" and "storage-writer",
 * so the services of two suites would share partitions and write each other's tenants into the
 * wrong InfluxDB databases. The queue is first come, first served. Entries of processes that no
 * longer run are removed. Returns the function that leaves the queue.
 */
export async function acquireSuiteLock(timeoutMs: number): Promise<() => void> {
  mkdirSync(QUEUE_DIR, { recursive: true });
  const entry = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const path = join(QUEUE_DIR, entry);
  writeFileSync(path, '');
  const release = () => rmSync(path, { force: true });

  const deadline = Date.now() + timeoutMs;
  while (firstLiveEntry() !== entry) {
    if (Date.now() > deadline) {
      const holder = firstLiveEntry();
      release();
      throw new Error(
        `another production suite (queue entry ${holder} in ${QUEUE_DIR}) still runs after ${timeoutMs} ms; wait for it to finish, or delete the entry if its process hangs`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }

  return release;
}

function firstLiveEntry(): string | undefined {
  for (const entry of readdirSync(QUEUE_DIR).sort()) {
    const pid = Number(entry.split('-')[1]);
    if (isRunning(pid)) {
      return entry;
    }
    rmSync(join(QUEUE_DIR, entry), { force: true });
  }

  return undefined;
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Child processes of the production benchmark. Every spawned process is tracked, so the
// benchmark can stop all of them in its finally blocks and on SIGINT or SIGTERM.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const running = new Set();

/** Spawns a Node.js script and tracks the process until it exits. */
export function spawnNode(script, args, options = {}) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  running.add(child);
  child.once('exit', () => running.delete(child));

  return child;
}

/** Resolves with the exit code, or with undefined after `timeoutMs` if the process still runs. */
export function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? undefined);
  }

  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Sends SIGTERM, waits up to `graceMs`, then sends SIGKILL and waits up to 5 s more. */
export async function stopChild(child, graceMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  if ((await waitForExit(child, graceMs)) !== undefined || child.signalCode !== null) {
    return;
  }
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

/** Stops every tracked process that still runs, in parallel. */
export async function stopAll(graceMs = 10_000) {
  await Promise.all([...running].map((child) => stopChild(child, graceMs)));
}

/**
 * Runs a script that prints one JSON line on stdout and exits 0, and returns that object.
 * Rejects when the script exits otherwise or runs longer than `timeoutMs`; it is killed then.
 */
export async function runJsonScript(script, args, timeoutMs) {
  const child = spawnNode(script, args);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));

  const code = await waitForExit(child, timeoutMs);
  if (code === undefined) {
    await stopChild(child, 5_000);
    throw new Error(`${script} did not finish within ${timeoutMs} ms and was stopped`);
  }
  if (code !== 0) {
    throw new Error(`${script} exited with code ${code}: ${output.trim()}`);
  }

  return JSON.parse(output.trim().split('\n').at(-1));
}

/**
 * Runs tls-publisher.mjs with the given options (name without the leading dashes; undefined
 * values are left out) and returns its result line.
 */
export function runPublisher(root, flags, timeoutMs) {
  const args = Object.entries(flags)
    .filter(([, value]) => value !== undefined)
    .flatMap(([name, value]) => [`--${name}`, String(value)]);

  return runJsonScript(join(root, 'tools', 'bench', 'production', 'tls-publisher.mjs'), args, timeoutMs);
}

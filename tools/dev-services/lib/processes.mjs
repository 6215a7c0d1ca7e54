// Child processes of dev-services: bounded one-shot commands, detached servers that
// outlive this script, and the PID checks that make `down` stop only what `up` started.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { DevServicesError } from './errors.mjs';
import { logStep, message } from './messages.mjs';

const OUTPUT_TAIL_CHARS = 2000;

function tail(text) {
  const trimmed = text.trim();

  return trimmed.length > OUTPUT_TAIL_CHARS ? `…${trimmed.slice(-OUTPUT_TAIL_CHARS)}` : trimmed;
}

/**
 * Runs a command to its end and resolves with its output. Rejects with COMMAND_FAILED on a
 * non-zero exit, COMMAND_TIMED_OUT after `timeoutMs` (the process gets SIGKILL) and
 * COMMAND_MISSING when the program does not exist (`missingFix` names the fix).
 */
export function runCommand(command, args, options = {}) {
  const { cwd, env, uid, gid, input, timeoutMs = 120_000, missingFix = '' } = options;
  const commandText = [command, ...args].join(' ');

  return new Promise((resolve, reject) => {
    const stdin = input === undefined ? 'ignore' : 'pipe';
    const child = spawn(command, args, { cwd, env, uid, gid, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(
          new DevServicesError('COMMAND_MISSING', message('commandMissing', command, missingFix), {
            cause: error,
          }),
        );
      } else {
        reject(
          new DevServicesError(
            'COMMAND_FAILED',
            message('commandFailed', commandText, error.code, error.message),
            {
              cause: error,
            },
          ),
        );
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new DevServicesError(
            'COMMAND_TIMED_OUT',
            message('commandTimedOut', commandText, Math.round(timeoutMs / 1000)),
          ),
        );
      } else if (code !== 0) {
        reject(
          new DevServicesError(
            'COMMAND_FAILED',
            message('commandFailed', commandText, code ?? signal, tail(stderr || stdout)),
          ),
        );
      } else {
        resolve({ stdout, stderr });
      }
    });
    if (input !== undefined) {
      // A child that exits before reading its input closes the pipe. Its exit code decides the outcome.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/**
 * Starts a server that keeps running after this script exits: its own process group
 * (so `down` can signal the whole group), stdin closed, stdout and stderr appended to
 * `logFile`. Returns the PID and a function that returns the exit status, or undefined while it runs.
 */
export function spawnDetached(command, args, { cwd, env, uid, gid, logFile }) {
  const logFd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd,
      env,
      uid,
      gid,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    let exit;
    child.on('exit', (code, signal) => (exit = { code, signal }));
    child.on('error', (error) => (exit = { code: error.code, signal: null }));
    child.unref();

    return { pid: child.pid, exited: () => exit };
  } finally {
    closeSync(logFd);
  }
}

// NOTE: reads /proc, so these checks work on Linux only.
function readProc(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

    return { state, commandLine };
  } catch {
    return undefined;
  }
}

/**
 * Tells whether `pid` is a live process whose command line contains `marker` (a path in
 * the state folder), so a reused PID of some other program is never taken for the service.
 */
export function isServiceProcess(pid, marker) {
  const info = readProc(pid);

  return info !== undefined && info.state !== 'Z' && info.commandLine.includes(marker);
}

function isAlive(pid) {
  const info = readProc(pid);

  return info !== undefined && info.state !== 'Z';
}

async function waitForExit(pid, timeoutMs) {
  const intervalMs = 200;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt <= timeoutMs / intervalMs && Date.now() < deadline; attempt++) {
    if (!isAlive(pid)) {
      return true;
    }
    await sleep(intervalMs);
  }

  return !isAlive(pid);
}

function signalProcess(pid, signal, group) {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') {
      throw error;
    }
  }
}

/**
 * Stops `pid` (with its process group where `group` is set): `signal`, a bounded wait,
 * then SIGKILL and another bounded wait. Returns false if the process still lives.
 */
export async function stopProcess(service, pid, { signal = 'SIGTERM', group = false, timeoutMs = 30_000 }) {
  logStep(service, 'stopping', pid, signal);
  signalProcess(pid, signal, group);
  if (await waitForExit(pid, timeoutMs)) {
    return true;
  }

  logStep(service, 'killed', pid, Math.round(timeoutMs / 1000));
  signalProcess(pid, 'SIGKILL', group);

  return waitForExit(pid, 10_000);
}

/** Returns uid and gid of a system user, or undefined if there is no such user. */
export async function systemUser(name) {
  try {
    const uid = Number((await runCommand('id', ['-u', name], { timeoutMs: 10_000 })).stdout.trim());
    const gid = Number((await runCommand('id', ['-g', name], { timeoutMs: 10_000 })).stdout.trim());

    return { uid, gid };
  } catch {
    return undefined;
  }
}

export const isRoot = () => process.getuid?.() === 0;

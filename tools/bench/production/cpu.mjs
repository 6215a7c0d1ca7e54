// CPU time of processes from /proc (Linux), to show where the time of a run goes.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

function clockTicksPerSecond() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** Parent pid and user plus system CPU seconds of a process, or undefined when it is gone. */
function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in brackets may contain spaces, so the fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

    return {
      parent: Number(fields[1]),
      seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/** Pids of the direct children of `pid`; PostgreSQL runs each connection in such a child. */
function childPids(pid) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => readStat(name)?.parent === pid)
    .map(Number);
}

/**
 * Takes a snapshot of the CPU seconds of named processes, each with its direct children where
 * `withChildren` lists its name. Children that exit between two snapshots are not counted.
 */
export function cpuSnapshot(pids, withChildren = []) {
  const snapshot = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined) {
      continue;
    }
    const members = withChildren.includes(name) ? [pid, ...childPids(pid)] : [pid];
    snapshot[name] = Object.fromEntries(members.map((member) => [member, readStat(member)?.seconds ?? 0]));
  }

  return snapshot;
}

/** CPU seconds each process used between two snapshots, counting only processes present in both. */
export function cpuSecondsBetween(before, after) {
  return Object.fromEntries(
    Object.entries(after).map(([name, members]) => {
      const used = Object.entries(members)
        .filter(([pid]) => before[name]?.[pid] !== undefined)
        .reduce((sum, [pid, seconds]) => sum + seconds - before[name][pid], 0);

      return [name, Number(used.toFixed(2))];
    }),
  );
}

// Requirements of the machine: Debian packages, a Java runtime, Maven.
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { DevServicesError } from './errors.mjs';
import { logStep, message } from './messages.mjs';
import { isRoot, runCommand } from './processes.mjs';

const APT_TIMEOUT_MS = 20 * 60_000;
const MAVEN_TIMEOUT_MS = 15 * 60_000;
const JVM_DIRECTORY = '/usr/lib/jvm';

/** Returns the full path of `name` on PATH or in the sbin folders, or undefined. */
export function findProgram(name) {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const folder of folders.filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);

      return candidate;
    } catch {
      // not in this folder
    }
  }

  return undefined;
}

/** Installs the Debian packages with apt-get as root; otherwise fails with the command to run. */
export async function installPackages(packages) {
  if (packages.length === 0) {
    return;
  }
  const list = packages.join(' ');
  if (!isRoot()) {
    throw new DevServicesError('PACKAGES_MISSING', message('aptNeedsRoot', list));
  }

  logStep(undefined, 'aptInstall', list);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: APT_TIMEOUT_MS });
  // NOTE: where /usr/sbin/policy-rc.d is absent, the packages' install scripts may start
  // their system services with Debian's default configuration, beside the ones started here.
  await runCommand('apt-get', ['install', '-y', '-qq', ...packages], { env, timeoutMs: APT_TIMEOUT_MS });
}

/** Returns the major version of a Java runtime, e.g. 17 for `version "17.0.15"`. */
export async function javaMajorVersion(javaBinary) {
  const { stderr } = await runCommand(javaBinary, ['-version'], {
    timeoutMs: 30_000,
    missingFix: 'install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)',
  });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
  if (!match) {
    return 0;
  }

  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

function jdkMajorVersion(home) {
  try {
    const release = readFileSync(join(home, 'release'), 'utf8');
    const match = /^JAVA_VERSION="(\d+)/m.exec(release);

    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Returns the newest JDK home under /usr/lib/jvm whose major version lies in [`minimum`, `maximum`]. */
export function newestJdkHome(minimum, maximum) {
  if (!existsSync(JVM_DIRECTORY)) {
    return undefined;
  }
  const homes = readdirSync(JVM_DIRECTORY)
    .map((name) => join(JVM_DIRECTORY, name))
    .filter((home) => existsSync(join(home, 'bin', 'java')))
    .map((home) => ({ home, major: jdkMajorVersion(home) }))
    .filter((jdk) => jdk.major >= minimum && jdk.major <= maximum)
    .sort((a, b) => b.major - a.major);

  return homes[0]?.home;
}

/** Runs Maven in batch mode with the download cache in the state folder. */
export async function runMaven(paths, args, options = {}) {
  await runCommand('mvn', ['-B', '-q', `-Dmaven.repo.local=${paths.mavenRepository}`, ...args], {
    ...options,
    timeoutMs: MAVEN_TIMEOUT_MS,
    missingFix: 'install Maven (Debian: apt-get install maven)',
  });
}

// Builds the monorepo: generates the event messages from proto/, type-checks every
// project with tsc, and compiles each workspace package's src/ to dist/ with swc.
// Usage: node tools/build.mjs [--no-typecheck]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };

function run(command, args, cwd = root) {
  execFileSync(command, args, { cwd, env, stdio: 'inherit' });
}

function workspacePackages() {
  return ['libs', 'services'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, 'src')))
      .map((entry) => join(root, group, entry.name)),
  );
}

run(bin('buf'), ['generate'], join(root, 'proto'));

if (!process.argv.includes('--no-typecheck')) {
  run(bin('tsc'), ['-p', 'tsconfig.json']);
}

for (const dir of workspacePackages()) {
  run(bin('swc'), ['src', '-d', 'dist', '--strip-leading-paths', '--config-file', join(root, '.swcrc'), '--quiet'], dir);
}

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fetchTls } from './production-clients';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcessOptions {
  /** Instance name, e.g. `validator-2`, used in the log file name and in error messages. */
  name: string;
  mainFile: string;
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
}

const READY_POLL_INTERVAL_MS = 100;
const KILL_WAIT_MS = 10_000;

/** One service running as a child process of the test, with its log written to a file. */
export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  private readonly child: ChildProcess;
  private exitStatus: ExitStatus | undefined;
  private readonly exited: Promise<ExitStatus>;

  constructor(private readonly options: ServiceProcessOptions) {
    if (!existsSync(options.mainFile)) {
      throw new Error(
        `${options.mainFile} is missing; build the services first with: node tools/build.mjs --no-typecheck`,
      );
    }
    this.name = options.name;
    // Every service serves HTTPS with the dev services' certificate for 127.0.0.1.
    this.url = `https://127.0.0.1:${options.port}`;
    const log = openSync(options.logFile, 'a');
    try {
      this.child = spawn(process.execPath, [options.mainFile], {
        env: options.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Exit code and signal, or undefined while the process runs. */
  get exit(): ExitStatus | undefined {
    return this.exitStatus;
  }

  /** Polls `/health/ready` until it returns 200, and fails when the process exits or `timeoutMs` passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no response';
    while (Date.now() < deadline) {
      if (this.exitStatus !== undefined) {
        throw new Error(
          `${this.name} exited (${JSON.stringify(this.exitStatus)}) before it was ready; log:\n${this.logTail()}`,
        );
      }
      const status = await this.readyStatus();
      if (status === 200) {
        return;
      }
      last = String(status ?? 'no response');
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
    }
    throw new Error(
      `${this.name} was not ready within ${timeoutMs} ms (last /health/ready: ${last}); log:\n${this.logTail()}`,
    );
  }

  /** Status code of `/health/ready`, or undefined when the process does not respond within 2 s. */
  async readyStatus(): Promise<number | undefined> {
    try {
      const response = await fetchTls(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();

      return response.status;
    } catch {
      return undefined;
    }
  }

  /** Sends SIGTERM and waits up to `timeoutMs` for the exit, then sends SIGKILL. */
  async stop(timeoutMs: number): Promise<ExitStatus> {
    if (this.exitStatus !== undefined) {
      return this.exitStatus;
    }
    this.child.kill('SIGTERM');
    const status = await this.waitExit(timeoutMs);
    if (status !== undefined) {
      return status;
    }

    return this.kill();
  }

  /** Sends SIGKILL and waits for the exit. */
  async kill(): Promise<ExitStatus> {
    if (this.exitStatus !== undefined) {
      return this.exitStatus;
    }
    this.child.kill('SIGKILL');
    const status = await this.waitExit(KILL_WAIT_MS);
    if (status === undefined) {
      throw new Error(`${this.name} (pid ${this.pid}) did not exit within ${KILL_WAIT_MS} ms of SIGKILL`);
    }

    return status;
  }

  /** Sends SIGKILL without waiting, for the process exit handler, which cannot wait. */
  killNow(): void {
    if (this.exitStatus === undefined) {
      this.child.kill('SIGKILL');
    }
  }

  /** Returns the last lines of the process's log. */
  logTail(lines = 30): string {
    return this.logLines().slice(-lines).join('\n');
  }

  logLines(): string[] {
    return existsSync(this.options.logFile) ? readFileSync(this.options.logFile, 'utf8').split('\n') : [];
  }

  /** Waits up to `timeoutMs` for the exit and returns its status, or undefined while the process runs. */
  async waitExit(timeoutMs: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const status = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);

    return status;
  }
}

import { Cron } from 'croner';
import { intervalMs, type ConnectorDefinition } from '../config/connector-config.schema';

export interface SchedulerOptions {
  /** Starts one run; the scheduler never starts a connector that is still running. */
  runConnector: (definition: ConnectorDefinition) => Promise<void>;
  isRunning: (name: string) => boolean;
  /** Delay before the first run of an interval connector after start. */
  initialDelayMs?: number;
}

/**
 * Starts connectors on their schedule: `every` runs once shortly after start and then at the
 * interval, measured from the end of a run so that a slow source never stacks runs; `cron`
 * runs at the expression's times in the connector's time zone and skips a time at which the
 * previous run is still going.
 */
export class ConnectorScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly crons = new Map<string, Cron>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(definitions: readonly ConnectorDefinition[]): void {
    for (const definition of definitions) {
      const schedule = definition.schedule;
      if (schedule === undefined) {
        continue;
      }
      if ('every' in schedule) {
        this.planInterval(definition, this.options.initialDelayMs ?? 1000, intervalMs(schedule.every));
      } else {
        const job = new Cron(schedule.cron, { timezone: definition.timeZone, protect: true }, () => {
          if (!this.options.isRunning(definition.name)) {
            return this.options.runConnector(definition);
          }
          return undefined;
        });
        this.crons.set(definition.name, job);
      }
    }
  }

  /** Next planned start per connector (UTC epoch ms), for the status endpoint. */
  nextRuns(): Map<string, number> {
    const next = new Map<string, number>();
    for (const [name, job] of this.crons) {
      const at = job.nextRun();
      if (at !== null) {
        next.set(name, at.getTime());
      }
    }
    for (const [name, timer] of this.timers) {
      next.set(name, (timer as unknown as { plannedAt: number }).plannedAt);
    }

    return next;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    for (const job of this.crons.values()) {
      job.stop();
    }
    this.timers.clear();
    this.crons.clear();
  }

  private planInterval(definition: ConnectorDefinition, delayMs: number, everyMs: number): void {
    if (this.stopped) {
      return;
    }
    const timer = setTimeout(() => {
      const run = this.options.isRunning(definition.name) ? Promise.resolve() : this.options.runConnector(definition);
      void run.finally(() => this.planInterval(definition, everyMs, everyMs));
    }, delayMs);
    timer.unref();
    (timer as unknown as { plannedAt: number }).plannedAt = Date.now() + delayMs;
    this.timers.set(definition.name, timer);
  }
}

/** Checks a cron expression; returns the error text of croner, or undefined when it is valid. */
export function cronProblem(expression: string, timeZone: string): string | undefined {
  try {
    new Cron(expression, { timezone: timeZone, paused: true }).stop();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

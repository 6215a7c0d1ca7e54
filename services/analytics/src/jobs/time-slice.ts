/**
 * Time, in milliseconds, that an analytics loop runs before it yields to the event loop. Loops
 * check it between items, so a slice runs longer by the time of its last item. In the all-in-one
 * platform, HTTP and MQTT wait for each slice on the same thread.
 */
export const SLICE_BUDGET_MS = 20;

/** Resolves in the event loop's next check phase, after pending I/O callbacks have run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Splits a long loop into slices: `yieldIfDue()` yields to the event loop once the current
 * slice has run for `budgetMs`. It measures with the monotonic timer, not the injected Clock,
 * because it paces CPU work and has no effect on results.
 */
export class TimeSlice {
  private startedAtMs = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.startedAtMs < this.budgetMs) {
      return;
    }
    await yieldToEventLoop();
    this.startedAtMs = performance.now();
  }
}

/** Duration in milliseconds from which work on the thread counts as a long task, as in the browsers' Long Tasks API. */
const LONG_TASK_MS = 50;
/** After a long task, the event loop stays free for this multiple of the task's duration. */
const REST_FACTOR = 2;

/**
 * Waits after work that cannot be split into slices (a catalog document, a full registry list),
 * so that the event loop is free twice as long as that work held it. Without this, a series of
 * such tasks leaves other work on the thread one turn per task. Short work only yields.
 */
export async function restAfter(busyMs: number): Promise<void> {
  if (busyMs < LONG_TASK_MS) {
    return yieldToEventLoop();
  }
  await new Promise((resolve) => setTimeout(resolve, busyMs * REST_FACTOR));
}

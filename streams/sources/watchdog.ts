// Stall detection: a connection that stays open but delivers no audio is as dead as a closed one.
// A timer (not a socket event) notices it.

export interface Watchdog {
  /** Audio arrived: restart the countdown. */
  kick(): void;
  stop(): void;
}

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Calls `onStall` once if `timeoutMs` pass without a kick; armed at creation. */
export function createWatchdog(timeoutMs: number, onStall: () => void, timers: TimerApi = realTimers): Watchdog {
  let handle: unknown = null;
  let stopped = false;
  const arm = (): void => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => {
      handle = null;
      if (!stopped) {
        stopped = true;
        onStall();
      }
    }, timeoutMs);
  };
  arm();
  return {
    kick(): void {
      if (!stopped) arm();
    },
    stop(): void {
      stopped = true;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}

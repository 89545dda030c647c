/** Timers behind an interface, so that tests drive debounce and polling by hand. */
export type TimerId = unknown;

export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/**
 * Waiting that an AbortSignal cuts short. The abort listener is removed when the time is up: a poll
 * loop sleeping on a long-lived signal must not pile up one listener per round (Node warns with
 * MaxListenersExceededWarning at 11).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

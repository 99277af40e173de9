/** Runs async tasks one at a time, in submission order (the PostgreSQL backend's one connection). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves when everything submitted so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}

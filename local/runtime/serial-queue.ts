/**
 * Runs async operations one at a time, in the order they were submitted: what makes the admin API's
 * changes to a region linearizable (the state after the last answer is what the last request asked).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Operations submitted and not finished yet (the running one included). */
  get pending(): number {
    return this.waiting;
  }

  /** Runs `op` after every operation submitted before it has settled; resolves or rejects as `op` does. */
  run<T>(op: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const result = this.tail.then(op, op);
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }
}

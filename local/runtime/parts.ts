/**
 * The parts of the local system (the store, each region, the accelerator, the DNS server) each
 * start and stop themselves; the composition root (local/system.ts) keeps the started ones here and
 * stops them last-started first, on close or when a later part fails to start.
 */

/** A started part: it stops itself (and may be asked to twice). */
export interface Part {
  close(): Promise<void>;
}

/** The parts started so far, in order. */
export class Parts {
  private readonly started: Part[] = [];

  /** Keeps `part` to stop it later; returns it. */
  add<T extends Part>(part: T): T {
    this.started.push(part);
    return part;
  }

  /** Stops every part, last started first; one that fails to stop does not keep the others up. */
  async close(): Promise<void> {
    for (const part of this.started.splice(0).reverse()) await part.close().catch(() => undefined);
  }
}

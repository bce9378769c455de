/**
 * The process's last line of defence: an exception nothing caught, or a promise rejection nothing
 * handled, is logged and the process goes on serving every region. Without it Node ends the whole
 * process (every region, the accelerator, DynamoDB and the admin API at once) over one bug. Every
 * known failure is handled where it happens; this only keeps an unknown one from taking all down.
 */

/** What the handlers caught so far. */
export interface LastResortCounts {
  uncaughtExceptions: number;
  unhandledRejections: number;
}

/** Installs the handlers; returns the function that removes them (and the counts of what they caught). */
export function installLastResortHandlers(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): {
  readonly counts: LastResortCounts;
  uninstall(): void;
} {
  const counts: LastResortCounts = { uncaughtExceptions: 0, unhandledRejections: 0 };
  const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
  const onException = (err: unknown) => {
    counts.uncaughtExceptions += 1;
    log(`local: uncaught exception, still serving: ${describe(err)}`);
  };
  const onRejection = (reason: unknown) => {
    counts.unhandledRejections += 1;
    log(`local: unhandled promise rejection, still serving: ${describe(reason)}`);
  };
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return {
    counts,
    uninstall() {
      process.off("uncaughtException", onException);
      process.off("unhandledRejection", onRejection);
    },
  };
}

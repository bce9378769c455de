/**
 * How every program of the project ends early: on SIGINT (Ctrl-C), SIGTERM or SIGHUP, or when its
 * stdout or stderr is closed (`npm run -s drill … | head -2`). The first such event aborts the
 * program's `signal`, so it undoes what it changed and stops what it started (STATUS restored, the
 * dial rolled back, its local system, worker threads and child processes stopped); a second signal,
 * or the grace period running out, ends the process at once. Writes to a closed output are dropped
 * from then on: a closed pipe never turns into an exception, a stack trace or a busy loop.
 *
 * Exit status of a stopped program: 128 + the signal's number, as shells report a process a signal
 * ended (POSIX `sh`, "Exit Status"): 130 SIGINT, 129 SIGHUP, 143 SIGTERM, and 141 (SIGPIPE's) for a
 * closed output. Node ignores SIGPIPE and reports EPIPE instead; this is what it stands for.
 */
import { constants } from "node:os";

/** The project's exit statuses (docs/programs.md, "Exit status"). */
export const EXIT = {
  /** Done; measured in range. */
  ok: 0,
  /** Measured out of range, a check failed, or the program failed. */
  failed: 1,
  /** Bad usage or config: nothing was started or changed. */
  usage: 2,
  /** Interrupted by Ctrl-C (SIGINT): 128 + 2. */
  interrupted: 128 + constants.signals.SIGINT,
} as const;

/** The signals a program stops on. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Why a program stopped early: a signal, or an output that was closed. */
export class Stop extends Error {
  constructor(
    /** The signal, or the stream that was closed. */
    readonly cause: StopSignal | "stdout" | "stderr",
    /** 128 + the signal's number (SIGPIPE's for a closed output). */
    readonly exitCode: number,
  ) {
    super(cause === "stdout" || cause === "stderr" ? `${cause} was closed` : `interrupted (${cause})`);
    this.name = "Stop";
  }
}

/** What a program hears of its stop and says about it. */
export interface StopControl {
  /** Aborted by the first stop; its reason is the {@link Stop}. */
  readonly signal: AbortSignal;
  /** The stop, once there is one. */
  readonly stopped: Stop | undefined;
  /**
   * What the program does when stopped ("restoring STATUS"), said when a signal arrives, and the real
   * seconds it may take before the process ends anyway (0: it ends at once). @default "stopping", 5 s
   */
  onStop(what: string, graceSeconds?: number): void;
  /** Whether `stream` is still open (writing to it reaches someone). */
  open(stream: "stdout" | "stderr"): boolean;
  /** Stops listening (for tests; the process exits right after in real use). */
  dispose(): void;
}

/** Settings of {@link watchStops}. */
export interface WatchStopsOptions {
  /** The process whose signals and outputs are watched. @default process */
  readonly process?: NodeJS.Process;
  /** Ends the process. @default process.exit */
  readonly exit?: (code: number) => void;
  /** Real seconds a stopping program gets before it is ended anyway. @default 5 */
  readonly graceSeconds?: number;
}

/** The default time a program gets to undo its work and stop, real seconds. */
export const DEFAULT_GRACE_SECONDS = 5;

/** Listens for the signals and the closed outputs that stop a program. */
export function watchStops(options: WatchStopsOptions = {}): StopControl {
  const proc = options.process ?? process;
  const exit = options.exit ?? ((code: number) => proc.exit(code));
  const controller = new AbortController();
  let stopped: Stop | undefined;
  let what = "stopping";
  let graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  let graceTimer: NodeJS.Timeout | undefined;
  const closed = new Set<"stdout" | "stderr">();

  const say = (line: string) => {
    if (!closed.has("stderr")) proc.stderr.write(`${line}\n`);
  };
  const armGrace = () => {
    clearTimeout(graceTimer);
    // Nothing to undo: end at once.
    if (graceSeconds === 0) return exit(stopped!.exitCode);
    graceTimer = setTimeout(() => {
      say(`still ${what} after ${graceSeconds} s: quitting`);
      exit(stopped!.exitCode);
    }, graceSeconds * 1000);
    // Never what keeps the process alive: a program that finishes sooner exits sooner.
    graceTimer.unref();
  };
  const stop = (s: Stop) => {
    if (stopped) return;
    stopped = s;
    armGrace();
    controller.abort(s);
  };

  const onSignal = (sig: StopSignal) => {
    const code = 128 + constants.signals[sig];
    if (stopped) {
      // The second one: the user does not want to wait for the undo.
      say(`${sig} again: quitting at once`);
      exit(code);
      return;
    }
    say(`\ninterrupted: ${what}… (${sig}; a second one quits at once)`);
    stop(new Stop(sig, code));
  };
  const handlers = new Map(STOP_SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const));
  for (const [sig, handler] of handlers) proc.on(sig, handler);

  // A closed pipe or terminal: drop every later write (stdio streams are never destroyed, so each
  // write would fail again), and stop quietly.
  const onClosed = (name: "stdout" | "stderr") => () => {
    if (closed.has(name)) return;
    closed.add(name);
    const stream = proc[name];
    stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const cb = typeof encoding === "function" ? encoding : callback;
      if (typeof cb === "function") queueMicrotask(() => (cb as () => void)());
      return true;
    }) as typeof stream.write;
    stop(new Stop(name, 128 + constants.signals.SIGPIPE));
  };
  const streamHandlers = { stdout: onClosed("stdout"), stderr: onClosed("stderr") };
  proc.stdout.on("error", streamHandlers.stdout);
  proc.stderr.on("error", streamHandlers.stderr);

  return {
    signal: controller.signal,
    get stopped() {
      return stopped;
    },
    onStop(text, seconds) {
      what = text;
      if (seconds !== undefined) {
        graceSeconds = seconds;
        if (stopped) armGrace();
      }
    },
    open: (stream) => !closed.has(stream),
    dispose() {
      clearTimeout(graceTimer);
      for (const [sig, handler] of handlers) proc.off(sig, handler);
      proc.stdout.off("error", streamHandlers.stdout);
      proc.stderr.off("error", streamHandlers.stderr);
    },
  };
}

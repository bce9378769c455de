/**
 * How a program stops (lib/stop.ts), on a stand-in for `process`: its signals and output streams are
 * event emitters, exit is recorded, and the grace period runs on jest's fake clock. The real thing,
 * on real pipes and signals, is in __tests__/programs.test.ts.
 */
import { EventEmitter } from "node:events";
import { DEFAULT_GRACE_SECONDS, EXIT, Stop, watchStops } from "../../lib/stop";

/** A process with recorded writes and exits. */
function fakeProcess() {
  const stream = () => Object.assign(new EventEmitter(), { written: [] as string[], write(chunk: string) { this.written.push(chunk); return true; } });
  const proc = Object.assign(new EventEmitter(), { stdout: stream(), stderr: stream() });
  const exits: number[] = [];
  return { proc, exits, stops: watchStops({ process: proc as unknown as NodeJS.Process, exit: (code) => void exits.push(code) }) };
}
const epipe = () => Object.assign(new Error("write EPIPE"), { code: "EPIPE" });

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe("a signal", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGHUP", 129],
    ["SIGTERM", 143],
  ] as const)("%s aborts the program's signal with exit status %d, saying what it undoes", (sig, code) => {
    const { proc, stops, exits } = fakeProcess();
    stops.onStop("restoring STATUS");
    proc.emit(sig);
    expect(stops.signal.aborted).toBe(true);
    expect(stops.signal.reason).toBeInstanceOf(Stop);
    expect(stops.stopped).toMatchObject({ cause: sig, exitCode: code });
    expect(proc.stderr.written.join("")).toBe(`\ninterrupted: restoring STATUS… (${sig}; a second one quits at once)\n`);
    expect(exits).toEqual([]);
    stops.dispose();
  });

  it("SIGINT's status is the table's 130", () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, interrupted: 130 });
  });

  it("a second one quits at once", () => {
    const { proc, stops, exits } = fakeProcess();
    proc.emit("SIGINT");
    proc.emit("SIGINT");
    expect(exits).toEqual([130]);
    stops.dispose();
  });

  it(`ends the process when the undo takes longer than the grace period (${DEFAULT_GRACE_SECONDS} s by default)`, () => {
    const { proc, stops, exits } = fakeProcess();
    proc.emit("SIGTERM");
    jest.advanceTimersByTime(DEFAULT_GRACE_SECONDS * 1000 - 1);
    expect(exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(exits).toEqual([143]);
    expect(proc.stderr.written.at(-1)).toBe(`still stopping after ${DEFAULT_GRACE_SECONDS} s: quitting\n`);
    stops.dispose();
  });

  it("a program that undoes something slower sets a longer grace period; 0 ends it at once", () => {
    const slow = fakeProcess();
    slow.stops.onStop("rolling back the dial", 600);
    slow.proc.emit("SIGTERM");
    jest.advanceTimersByTime(599_999);
    expect(slow.exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(slow.exits).toEqual([143]);
    slow.stops.dispose();

    const bench = fakeProcess();
    bench.stops.onStop("stopping", 0);
    bench.proc.emit("SIGHUP");
    expect(bench.exits).toEqual([129]);
    bench.stops.dispose();
  });
});

describe("a closed output", () => {
  it.each(["stdout", "stderr"] as const)("%s: stops quietly with 141 and drops every later write", (name) => {
    const { proc, stops, exits } = fakeProcess();
    proc[name].emit("error", epipe());
    expect(stops.stopped).toMatchObject({ cause: name, exitCode: 141 });
    expect(stops.open(name)).toBe(false);
    expect(stops.signal.aborted).toBe(true);
    // Nothing said about it, and what the program writes next goes nowhere, without another error.
    proc[name].write("more");
    expect(proc[name].written).toEqual([]);
    expect(proc.stderr.written).toEqual([]);
    expect(exits).toEqual([]);
    stops.dispose();
  });

  it("a write callback still runs, so nothing waits on a closed pipe forever", async () => {
    jest.useRealTimers();
    const { proc, stops } = fakeProcess();
    proc.stdout.emit("error", epipe());
    const done = jest.fn();
    (proc.stdout.write as (chunk: string, cb: () => void) => boolean)("x", done);
    await Promise.resolve();
    expect(done).toHaveBeenCalled();
    stops.dispose();
  });
});

import { formatMemory, formatRatio, formatReport, formatSeconds, median, ratio, renderTable } from "../../lib/stats";
import { parseGnuTimeKib } from "../../bench/lib/measure";
import { parseArgs } from "../../bench/synth";

describe("median", () => {
  it("is the middle value of an odd count, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([5, 9, 1, 7, 3])).toBe(5);
  });
  it("is the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("of one value is that value", () => {
    expect(median([42])).toBe(42);
  });
  it("does not reorder the caller's list", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/empty/);
  });
});

describe("ratio and formatting", () => {
  it("divides by the base", () => {
    expect(ratio(500, 2000)).toBe(0.25);
    expect(ratio(4000, 1000)).toBe(4);
  });
  it("refuses a zero or negative base", () => {
    expect(() => ratio(1, 0)).toThrow(/non-positive base/);
    expect(() => ratio(1, -5)).toThrow(/non-positive base/);
  });
  it("formats ratios with two decimals, small ones with two significant digits", () => {
    expect(formatRatio(1)).toBe("1.00×");
    expect(formatRatio(0.254)).toBe("0.25×");
    expect(formatRatio(0.0456)).toBe("0.046×");
    expect(formatRatio(12.345)).toBe("12.35×");
  });
  it("formats milliseconds as seconds and KiB as MiB", () => {
    expect(formatSeconds(812)).toBe("0.81 s");
    expect(formatSeconds(33710)).toBe("33.71 s");
    expect(formatMemory(163204)).toBe("159 MiB");
    expect(formatMemory(undefined)).toBe("n/a");
  });
});

describe("renderTable", () => {
  it("pads the first column on the right and the others on the left by default", () => {
    expect(renderTable(["name", "n"], [["a", "10"], ["bbb", "2"]]).split("\n")).toEqual(["name   n", "----  --", "a     10", "bbb    2"]);
  });
  it("takes explicit alignments", () => {
    expect(renderTable(["x", "y"], [["1", "ab"]], ["r", "l"]).split("\n")).toEqual(["x  y", "-  --", "1  ab"]);
  });
  it("formats a report as title, table and notes", () => {
    expect(formatReport({ title: "T", table: "tbl", notes: ["one"] })).toBe("T\n=\ntbl\n\n- one");
  });
});

describe("parseGnuTimeKib", () => {
  it("reads the maximum resident set size from GNU time -v output", () => {
    const out = "\tCommand being timed: \"node -e 0\"\n\tMaximum resident set size (kbytes): 40320\n\tExit status: 0\n";
    expect(parseGnuTimeKib(out)).toBe(40320);
  });
  it("is undefined when the report is missing", () => {
    expect(parseGnuTimeKib("no report")).toBeUndefined();
  });
});

describe("bench/synth arguments", () => {
  it("defaults to 5 runs and 3 slow runs", () => {
    expect(parseArgs([])).toEqual({ runs: 5, slowRuns: 3 });
  });
  it("takes --runs and --slow-runs", () => {
    expect(parseArgs(["--runs", "7", "--slow-runs", "2"])).toEqual({ runs: 7, slowRuns: 2 });
  });
  it("refuses a run count that is not a positive integer, naming the flag", () => {
    expect(() => parseArgs(["--runs", "0"])).toThrow(/--runs needs a positive integer, got 0/);
    expect(() => parseArgs(["--slow-runs", "x"])).toThrow(/--slow-runs needs a positive integer, got x/);
  });
});

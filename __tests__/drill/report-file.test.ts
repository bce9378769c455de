/** `--report FILE`: resolved where npm was started, refused before the drill when it cannot be written. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveReportPath, writeReport } from "../../drill/report-file";
import { drillResult } from "./fixtures";

describe("resolveReportPath", () => {
  const dir = mkdtempSync(join(tmpdir(), "globalapp-report-path-"));

  it("takes a relative path from npm's INIT_CWD (npm runs scripts in the project root), else the cwd", () => {
    expect(resolveReportPath("drill.html", { INIT_CWD: dir }, "/")).toBe(join(dir, "drill.html"));
    expect(resolveReportPath("drill.html", {}, dir)).toBe(join(dir, "drill.html"));
    expect(resolveReportPath(join(dir, "x.html"), { INIT_CWD: "/nonexistent" })).toBe(join(dir, "x.html"));
  });

  it.each([
    ["", /--report needs a file name/],
    [join("no-such-dir", "drill.html"), /--report no-such-dir\/drill.html: directory .*no-such-dir does not exist/],
    [".", /is a directory; name a file/],
  ])("refuses %p", (file, message) => {
    expect(() => resolveReportPath(file, { INIT_CWD: dir })).toThrow(message);
  });

  it("writes the page and answers its size", () => {
    const path = join(dir, "r.html");
    const bytes = writeReport(path, drillResult());
    expect(readFileSync(path).length).toBe(bytes);
    expect(readFileSync(path, "utf8")).toMatch(/^<!doctype html>/);
  });
});

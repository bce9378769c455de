import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createZip } from "../../../constructs/lib/zip";
import { readZip } from "../../support/unzip";

describe("createZip", () => {
  const files = [
    { name: "index.js", data: Buffer.from("exports.handler = async () => ({ statusCode: 200 });\n") },
    { name: "lib/a.txt", data: Buffer.from("é".repeat(1000)) },
  ];

  it("round-trips every entry", () => {
    const entries = readZip(createZip(files));
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual(files.map((f) => [f.name, f.data.toString()]));
  });
  it("is byte-identical for the same input, whatever the order", () => {
    expect(createZip(files).equals(createZip([...files].reverse()))).toBe(true);
  });
  it("changes when a byte changes", () => {
    const changed = [files[0], { name: "lib/a.txt", data: Buffer.from("é".repeat(999) + "e") }];
    expect(createZip(files).equals(createZip(changed))).toBe(false);
  });
  it("stores a fixed 1980-01-01 timestamp and mode 0644", () => {
    for (const e of readZip(createZip(files))) {
      expect(e.dosDate).toBe((0 << 9) | (1 << 5) | 1);
      expect(e.dosTime).toBe(0);
      expect(e.mode).toBe(0o100644);
    }
  });
  it("is readable by the system's unzip or Python's zipfile when present", () => {
    const dir = mkdtempSync(join(tmpdir(), "zip-"));
    const file = join(dir, "t.zip");
    writeFileSync(file, createZip(files));
    const py = spawnSync("python3", ["-c", "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(','.join(z.namelist()))", file], { encoding: "utf8" });
    if (py.error) return; // no python3 here: the in-process reader above already checked the format
    expect(py.stdout.trim()).toBe("index.js,lib/a.txt");
  });
});

/**
 * The layout's rule, checked on every .ts file of the tree: no import circles, and no import into a
 * layer above the importing file's (README "Layout" shows the same table).
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";
import { importCircles, importGraph, importGraphOnDisk, type LayerTable, layerViolations, unitOf } from "./support/imports";

/**
 * The layers, bottom first. A file imports from its own unit (a folder, or a file) and from units in
 * rows below its own; never from a row above, nor from a sibling in its own row.
 */
const LAYERS: LayerTable = [
  // The Lambda code: bundled on its own, so it imports nothing of the rest.
  ["functions/"],
  // Pure models (config, regions, failover, capacity, cost, IAM): no resources, no sockets.
  ["model/"],
  // Helpers that know nothing of the system: model time, probes, stats, CLI helpers.
  ["lib/"],
  // Resources.
  ["constructs/"],
  // The local system, by part, bottom up: runtime helpers and limits; one region and the store;
  // the clients' edge (routes by the regions' health); the system's events and public types; the
  // composition root and, beside it, the admin API (which sees only the types); the step that
  // starts both; the CLI.
  ["local/runtime/", "local/limits.ts"],
  ["local/store/", "local/region/"],
  ["local/edge/"],
  ["local/events.ts"],
  ["local/types.ts"],
  ["local/system.ts", "local/admin/"],
  ["local/start.ts"],
  ["local/main.ts"],
  // What the drill and the shift share: the systems they run against.
  ["targets/"],
  // Programs, and the library's entry point (package.json `exports`).
  ["drill/", "shift/", "main.ts", "index.ts"],
  // Benchmarks and tools.
  ["bench/", "scripts/"],
  // Your own functions (bring your own function): user code, which imports as a user's would (below).
  ["examples/"],
];

const ROOT = join(__dirname, "..");
const SKIPPED = new Set(["node_modules", "cdktf.out", "coverage"]);

/** Every .ts file under the root, repository-relative, skipping dependencies, build output and dot folders. */
function typeScriptFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [relative(ROOT, path).split(sep).join(posix.sep)] : [];
  });
}

describe("the layout", () => {
  const files = typeScriptFiles();
  const graph = importGraphOnDisk(ROOT, files);

  it("reads the whole tree", () => {
    expect(files).toEqual(expect.arrayContaining(["main.ts", "local/system.ts", "functions/get.ts", "__tests__/layout.test.ts"]));
    expect(files.some((f) => f.startsWith("node_modules/"))).toBe(false);
  });

  it("gives every source file a layer", () => {
    expect(files.filter((f) => !f.startsWith("__tests__/") && !unitOf(f, LAYERS))).toEqual([]);
  });

  it("has no import circle", () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it("has no import into a layer above, or into a sibling of the same layer", () => {
    expect(layerViolations(graph, LAYERS).map((v) => `${v.from} -> ${v.to} (${v.direction})`)).toEqual([]);
  });
});

/**
 * What a file of examples/ may import, as a user's own project could: files of its own example, the
 * package's entry point ("globalapp", never a path inside it), the ALB event types (`aws-lambda`), Node's
 * own modules and the packages a project installs (package.json's dependencies).
 */
function userImportProblems(file: string, source: string, dependencies: readonly string[]): string[] {
  const own = posix.dirname(file);
  return ts.preProcessFile(source, true, true).importedFiles.flatMap(({ fileName: spec }) => {
    if (spec.startsWith("./") || spec.startsWith("../")) {
      const target = posix.normalize(posix.join(own, spec));
      return target.startsWith(`${own}/`) ? [] : [`${file}: ${spec} leaves its example's folder (import "globalapp" instead)`];
    }
    const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
    if (spec === "globalapp" || spec === "aws-lambda" || spec.startsWith("node:") || builtinModules.includes(spec)) return [];
    if (pkg === "globalapp") return [`${file}: ${spec} reaches inside the package (import "globalapp")`];
    return dependencies.includes(pkg) ? [] : [`${file}: ${spec} is not a package a project installs (package.json dependencies)`];
  });
}

describe("examples/: user code", () => {
  const dependencies = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies);
  const examples = typeScriptFiles().filter((f) => f.startsWith("examples/"));

  it("holds at least one example", () => {
    expect(examples).toEqual(expect.arrayContaining(["examples/notes/handler.ts"]));
  });
  it("imports only what a user's own project could", () => {
    expect(examples.flatMap((f) => userImportProblems(f, readFileSync(join(ROOT, f), "utf8"), dependencies))).toEqual([]);
  });
  it("the rule finds a path into the project, a deep import and an uninstalled package", () => {
    const source = 'import "../../functions/lib/env"; import "globalapp/constructs/x"; import "left-pad"; import "./lib"; import { readFileSync } from "node:fs"; import "@aws-sdk/client-dynamodb";';
    expect(userImportProblems("examples/a/handler.ts", source, ["@aws-sdk/client-dynamodb"])).toEqual([
      "examples/a/handler.ts: ../../functions/lib/env leaves its example's folder (import \"globalapp\" instead)",
      "examples/a/handler.ts: globalapp/constructs/x reaches inside the package (import \"globalapp\")",
      "examples/a/handler.ts: left-pad is not a package a project installs (package.json dependencies)",
    ]);
  });
});

describe("the checker", () => {
  const graphOf = (sources: Record<string, string>) => importGraph(Object.keys(sources), (f) => sources[f]);

  it("reads imports, re-exports, dynamic imports and requires, not comments or strings", () => {
    const graph = graphOf({
      "a/x.ts": [
        'import { b } from "../b/y";',
        'export { c } from "./z";',
        'const d = import("../d");',
        'const e = require("../e/index");',
        '// import { f } from "../f";',
        'const text = "import { g } from \'../g\'";',
        'import { readFileSync } from "node:fs";',
      ].join("\n"),
      "a/z.ts": "",
      "b/y.ts": "",
      "d.ts": "",
      "e/index.ts": "",
    });
    expect(graph.get("a/x.ts")).toEqual(["b/y.ts", "a/z.ts", "d.ts", "e/index.ts"]);
  });

  it("fails on an import it cannot resolve", () => {
    expect(() => graphOf({ "a.ts": 'import "./missing";' })).toThrow(/a\.ts: cannot resolve "\.\/missing"/);
  });

  it("finds circles of any length, and a file importing itself", () => {
    const graph = graphOf({
      "local/system.ts": 'import "./admin";',
      "local/admin.ts": 'import "./dashboard";',
      "local/dashboard.ts": 'import "./system";',
      "self.ts": 'import "./self";',
      "leaf.ts": 'import "./local/system";',
    });
    expect(importCircles(graph)).toEqual([["local/admin.ts", "local/dashboard.ts", "local/system.ts"], ["self.ts"]]);
  });

  it("finds no circle in a tree", () => {
    expect(importCircles(graphOf({ "a.ts": 'import "./b"; import "./c";', "b.ts": 'import "./c";', "c.ts": "" }))).toEqual([]);
  });

  it("flags imports up a layer and sideways, not down or within a unit", () => {
    const table: LayerTable = [["model/"], ["local/", "constructs/"], ["drill/"]];
    const graph = graphOf({
      "model/config.ts": 'import "../drill/probe";',
      "local/traffic.ts": 'import "../drill/probe"; import "../constructs/bundle"; import "../model/config"; import "./other";',
      "local/other.ts": "",
      "constructs/bundle.ts": "",
      "drill/probe.ts": 'import "../local/other";',
      "__tests__/x.test.ts": 'import "../drill/probe";',
    });
    expect(layerViolations(graph, table)).toEqual([
      { from: "model/config.ts", to: "drill/probe.ts", direction: "up" },
      { from: "local/traffic.ts", to: "drill/probe.ts", direction: "up" },
      { from: "local/traffic.ts", to: "constructs/bundle.ts", direction: "sideways" },
    ]);
  });

  it("puts a file in the unit with the longest matching prefix", () => {
    const table: LayerTable = [["local/runtime/"], ["local/"], ["local/main.ts"]];
    expect(unitOf("local/runtime/random.ts", table)).toEqual({ row: 0, unit: "local/runtime/" });
    expect(unitOf("local/system.ts", table)).toEqual({ row: 1, unit: "local/" });
    expect(unitOf("local/main.ts", table)).toEqual({ row: 2, unit: "local/main.ts" });
    expect(unitOf("main.ts", table)).toBeUndefined();
  });
});

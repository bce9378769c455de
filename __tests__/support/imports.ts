import { readFileSync } from "node:fs";
import { posix } from "node:path";
import ts from "typescript";

/**
 * The project's own import graph: file → the project files it imports by a relative path
 * (`import`, `export … from`, `import()`, `require()`), read with TypeScript's own pre-processor so
 * comments and strings never count as imports. Paths are repository-relative with `/`.
 */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** The relative module specifiers `source` imports, in order. */
export function relativeSpecifiers(source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map((f) => f.fileName).filter((name) => name.startsWith("./") || name.startsWith("../"));
}

/** Builds the graph of `files` (repository-relative) as read by `read`; an import that resolves to no file of `files` throws. */
export function importGraph(files: readonly string[], read: (file: string) => string): ImportGraph {
  const known = new Set(files);
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = posix.normalize(posix.join(posix.dirname(from), specifier));
    return [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`].find((candidate) => known.has(candidate));
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const specifier of relativeSpecifiers(read(file))) {
      if (specifier.endsWith(".json")) continue;
      const target = resolve(file, specifier);
      if (!target) throw new Error(`${file}: cannot resolve "${specifier}"`);
      if (!targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Reads `files` under `root` from disk. */
export function importGraphOnDisk(root: string, files: readonly string[]): ImportGraph {
  return importGraph(files, (file) => readFileSync(posix.join(root, file), "utf8"));
}

/**
 * Every import circle: the strongly connected components (Tarjan) with more than one file, or one
 * file that imports itself, each sorted, as the files in it.
 */
export function importCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

/**
 * Layers, bottom first. Each row holds units: a folder (`"model/"`) or a file (`"main.ts"`). A file
 * belongs to the unit with the longest matching prefix.
 */
export type LayerTable = readonly (readonly string[])[];

/** The row and unit a file belongs to, or undefined when no unit of `table` holds it. */
export function unitOf(file: string, table: LayerTable): { readonly row: number; readonly unit: string } | undefined {
  let found: { row: number; unit: string } | undefined;
  table.forEach((units, row) => {
    for (const unit of units) {
      const matches = unit.endsWith("/") ? file.startsWith(unit) : file === unit;
      if (matches && (!found || unit.length > found.unit.length)) found = { row, unit };
    }
  });
  return found;
}

/** An import against the layering. */
export interface LayerViolation {
  readonly from: string;
  readonly to: string;
  /** "up": into a higher row; "sideways": into another unit of the same row. */
  readonly direction: "up" | "sideways";
}

/**
 * Every import that leaves its own unit for a unit that is not in a lower row: a file may import
 * files of its own unit and of any unit below its row, nothing else. Files outside the table
 * (tests) are not checked, and neither are imports of them.
 */
export function layerViolations(graph: ImportGraph, table: LayerTable): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const [from, targets] of graph) {
    const source = unitOf(from, table);
    if (!source) continue;
    for (const to of targets) {
      const target = unitOf(to, table);
      if (!target || target.unit === source.unit || target.row < source.row) continue;
      violations.push({ from, to, direction: target.row > source.row ? "up" : "sideways" });
    }
  }
  return violations;
}

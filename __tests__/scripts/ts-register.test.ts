import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The synth runner's hook (`node -r ./scripts/ts-register.cjs main.ts`): strips types without
 * type-checking, caches each transpiled file, and recompiles a file as soon as it changes.
 */
const HOOK = join(__dirname, "..", "..", "scripts", "ts-register.cjs");

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "globalapp-tsreg-"));
  const cache = join(dir, "cache");
  const run = (file: string) =>
    spawnSync(process.execPath, ["-r", HOOK, join(dir, file)], { encoding: "utf8", env: { ...process.env, GLOBALAPP_TS_CACHE: cache } });
  return { dir, cache, run, write: (name: string, text: string) => writeFileSync(join(dir, name), text) };
}

describe("scripts/ts-register.cjs", () => {
  it("runs TypeScript with imports between .ts files and caches one file per source", () => {
    const s = setup();
    s.write("lib.ts", `export interface Named { readonly name: string }\nexport const greet = (n: Named): string => \`hi \${n.name}\`;`);
    s.write("main.ts", `import { greet } from "./lib";\nconsole.log(greet({ name: "synth" }));`);
    const res = s.run("main.ts");
    expect(res.stderr).toBe("");
    expect(res.stdout).toBe("hi synth\n");
    expect(readdirSync(s.cache).filter((f) => f.endsWith(".js"))).toHaveLength(2);
  });

  it("recompiles a file after it changes (the cache is keyed by content)", () => {
    const s = setup();
    s.write("main.ts", `const n: number = 1;\nconsole.log(n);`);
    expect(s.run("main.ts").stdout).toBe("1\n");
    s.write("main.ts", `const n: number = 2;\nconsole.log(n);`);
    expect(s.run("main.ts").stdout).toBe("2\n");
    expect(readdirSync(s.cache).filter((f) => f.endsWith(".js"))).toHaveLength(2);
  });

  it("does not type-check: a type error still runs (tsc --noEmit in npm test is the check)", () => {
    const s = setup();
    // Both declarations are type errors for tsc; the hook only strips the annotations.
    s.write("main.ts", `const n: number = "not a number";\nconst m: string = 3;\nconsole.log(typeof n, typeof m);`);
    const res = s.run("main.ts");
    expect(res.status).toBe(0);
    expect(res.stdout).toBe("string number\n");
  });

  it("reports a syntax error with the file name and a non-zero exit", () => {
    const s = setup();
    s.write("main.ts", `const = ;`);
    const res = s.run("main.ts");
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/main\.ts/);
  });
});

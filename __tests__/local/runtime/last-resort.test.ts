/**
 * The last-resort handlers, in a real process running a real local system: an uncaught exception and
 * an unhandled rejection are logged, and the process goes on serving every region.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { probe } from "../../../lib/probe";
import { waitFor } from "../support";

const ROOT = join(__dirname, "..", "..", "..");
let child: ChildProcessWithoutNullStreams;
let stdout = "";
let stderr = "";
const lines = () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  child = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", join(__dirname, "fixtures", "last-resort-child.ts")], { cwd: ROOT });
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  await waitFor("the child's local system to start", () => lines().length > 0, 30_000);
});
afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
  }
});

it("logs an uncaught exception and an unhandled rejection, and every region keeps serving", async () => {
  const urls = lines()[0] as { accelerator: string; admin: string; albs: string[] };
  child.stdin.write("throw\n");
  await waitFor("both to be logged", () => /uncaught exception, still serving: Error: a bug nobody caught/.test(stderr) && /unhandled promise rejection, still serving: Error: a rejection nobody handled/.test(stderr));
  await waitFor("the counts", () => lines().length > 1);
  expect(lines()[1]).toEqual({ uncaughtExceptions: 1, unhandledRejections: 1 });
  expect(child.exitCode).toBeNull();
  expect((await probe(`${urls.accelerator}/get/foobar`)).status).toBe(200);
  for (const alb of urls.albs) expect((await probe(`${alb}/get/foobar`)).status).toBe(200);
  expect((await fetch(`${urls.admin}/`)).status).toBe(200);
});

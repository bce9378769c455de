/**
 * examples/notes end to end, from its own config file (examples/notes/globalapp.json) loaded the way
 * `GLOBALAPP_CONFIG=examples/notes/globalapp.json npm run …` loads it: the local system serves the
 * notes API through the accelerator (conditional writes included), and a drill's STATUS flip drains
 * the region that served it. (Its synthesized stack is validated by terraform in
 * __tests__/terraform/stack.terraform.test.ts.)
 */
// Node 20 here, nodejs22.x in Lambda: keep the SDK's Node-version notice out of the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { join } from "node:path";
import { type DrillResult, runDrill } from "../../drill/drill";
import { probe } from "../../lib/probe";
import { PROJECT_ROOT } from "../../lib/project";
import { timeScale } from "../../lib/time-scale";
import { loadConfigFromProject, ownFunctionEntry, probePath } from "../../model/config";
import { localTarget } from "../../targets/local";

const CONFIG_FILE = join(PROJECT_ROOT, "examples", "notes", "globalapp.json");
const config = loadConfigFromProject(PROJECT_ROOT, { GLOBALAPP_CONFIG: CONFIG_FILE });

describe("examples/notes/globalapp.json", () => {
  it("names the example's handler, relative to the config file, and its own variable", () => {
    expect(ownFunctionEntry(config)).toBe("examples/notes/handler.ts");
    expect(config.function.environment).toEqual({ NOTES_MAX_TEXT_BYTES: "10000" });
    expect(probePath(config)).toBe("/");
  });
});

describe("examples/notes on the local system, and its drill", () => {
  let target: Awaited<ReturnType<typeof localTarget>>;
  let url: string;
  let drill: DrillResult;
  const send = (method: string, path: string, options: { body?: unknown; ifMatch?: string } = {}) =>
    probe(`${url}${path}`, {
      method,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      headers: options.ifMatch ? { "if-match": options.ifMatch } : {},
    });
  const json = (r: { body?: string }) => JSON.parse(r.body ?? "") as Record<string, unknown>;

  beforeAll(async () => {
    target = await localTarget({ config, timeScale: timeScale(0.05), fresh: true, propagationSeconds: 3, seed: 7 });
    url = target.acceleratorUrl!;
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it("serves the notes API's index through the accelerator, naming the region", async () => {
    const r = await send("GET", "/");
    expect(r.status).toBe(200);
    expect(r.region).toBe("us-west-2");
    expect(json(r)).toMatchObject({ service: "notes", region: "us-west-2" });
  });

  it("creates, replaces only the version it read, and deletes with If-Match: conditional writes through the accelerator", async () => {
    const created = await send("PUT", "/notes/groceries", { body: { text: "milk" } });
    expect([created.status, json(created)]).toEqual([201, { id: "groceries", text: "milk", version: 1, region: "us-west-2" }]);
    expect((await send("PUT", "/notes/groceries", { body: { text: "eggs" } })).status).toBe(428);
    const replaced = await send("PUT", "/notes/groceries", { body: { text: "milk, eggs" }, ifMatch: '"1"' });
    expect([replaced.status, json(replaced).version]).toEqual([200, 2]);
    // A writer still holding version 1 loses, instead of overwriting version 2.
    const stale = await send("PUT", "/notes/groceries", { body: { text: "bread" }, ifMatch: '"1"' });
    expect([stale.status, json(stale).error]).toEqual([412, "the note is not at version 1 (any more)"]);
    const read = await send("GET", "/notes/groceries");
    expect([read.status, json(read)]).toEqual([200, { id: "groceries", text: "milk, eggs", version: 2, region: "us-west-2" }]);
    expect((await send("DELETE", "/notes/groceries")).status).toBe(428);
    expect((await send("DELETE", "/notes/groceries", { ifMatch: '"1"' })).status).toBe(412);
    expect((await send("DELETE", "/notes/groceries", { ifMatch: '"2"' })).status).toBe(200);
    const gone = await send("GET", "/notes/groceries");
    expect([gone.status, gone.region]).toEqual([404, "us-west-2"]);
  });

  it("refuses what the example refuses: bad ids, bodies and a text over NOTES_MAX_TEXT_BYTES (its function.environment)", async () => {
    expect((await send("PUT", "/notes/a", { body: { text: "x".repeat(10_001) } })).status).toBe(413);
    expect((await send("PUT", "/notes/a", { body: { words: "x" } })).status).toBe(400);
    expect((await send("GET", "/notes/a%20b")).status).toBe(400);
    expect((await send("POST", "/notes/a")).status).toBe(405);
    expect((await send("GET", "/elsewhere")).status).toBe(404);
  });

  it("keeps the health path GlobalApp's: STATUS, from the wrapper", async () => {
    const r = await send("GET", "/health");
    expect([r.status, json(r)]).toEqual([200, { status: 200, region: "us-west-2", mode: "shallow" }]);
  });

  describe("the drill", () => {
    beforeAll(async () => {
      drill = await runDrill({ target, path: probePath(config), replication: false, pollSeconds: 0.5, settle: 3 });
    }, 120_000);

    it("drains the region a STATUS flip fails: traffic moves to eu-central-1 and back, within the predicted ranges", () => {
      expect(drill.origin).toBe("us-west-2");
      expect(drill.failoverRegion).toBe("eu-central-1");
      expect(drill.failoverInRange && drill.recoveryInRange).toBe(true);
      expect(drill.events.map((e) => e.event)).toEqual(expect.arrayContaining(["STATUS=400 applied in us-west-2", "STATUS=200 applied in us-west-2"]));
    });
    it("loses no request to the notes API while it fails over", () => {
      expect(drill.errors).toBe(0);
      expect(drill.timeline.every((s) => s.status === 200)).toBe(true);
      expect(new Set(drill.timeline.map((s) => s.region))).toEqual(new Set(["us-west-2", "eu-central-1"]));
      expect(drill.ok).toBe(true);
    });
  });
});

/**
 * The control plane answers only its own user, over real sockets: a foreign Host (DNS rebinding) is
 * refused on every route, a foreign Origin on every route that changes something, a cross-site
 * text/plain form post kills nothing; curl-style clients (no Origin), the dashboard's own origin
 * and `localhost` keep working. The data plane still answers any Host.
 */
import { request } from "node:http";
import { AdminClient } from "../../../local/admin/admin";
import { ownOrigins, refuseForeign } from "../../../local/admin/admin-guard";
import type { RunningLocal } from "../../../local/start";
import type { LocalSystem } from "../../../local/system";
import { startTestSystem } from "../support";

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One raw HTTP request with exactly these headers (fetch forbids setting Host). */
function send(url: string, method: string, headers: Record<string, string>, body = ""): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Every admin route with a method it accepts and a valid body. */
const MUTATING: ReadonlyArray<readonly [method: string, path: string, body: string]> = [
  ["PUT", "/regions/us-west-2/status", "500"],
  ["POST", "/regions/us-west-2/kill", ""],
  ["POST", "/regions/us-west-2/restore", ""],
  ["PUT", "/regions/us-west-2/dial", "0"],
  ["PUT", "/regions/us-west-2/weight", "0"],
  ["PUT", "/traffic", "50"],
];
const READING: ReadonlyArray<readonly [method: string, path: string]> = [
  ["GET", "/"],
  ["GET", "/events"],
  ["GET", "/traffic"],
];

describe("refuseForeign (the rule)", () => {
  const at = { host: "127.0.0.1", port: 8081 };

  it.each([
    ["127.0.0.1:8081", undefined],
    ["localhost:8081", undefined],
    ["LOCALHOST:8081", undefined],
  ])("admits Host %s", (host) => {
    expect(refuseForeign({ method: "GET", host }, at)).toBeUndefined();
  });

  it.each([
    ["evil.example:8081"],
    ["127.0.0.1"], // the port is part of the authority: a default-port name is another server
    ["127.0.0.1:8080"],
    ["localhost.evil.example:8081"],
    ["127.0.0.2:8081"],
    ["[::1]:8081"],
  ])("refuses Host %s with 421", (host) => {
    expect(refuseForeign({ method: "GET", host }, at)).toEqual({ status: 421, error: expect.stringContaining(`Host "${host}"`) });
  });

  it("refuses a request without Host", () => {
    expect(refuseForeign({ method: "GET" }, at)?.status).toBe(421);
  });

  it("on port 80 a browser omits the port, and that is still this server", () => {
    expect(refuseForeign({ method: "POST", host: "localhost", origin: "http://localhost" }, { host: "127.0.0.1", port: 80 })).toBeUndefined();
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("refuses a %s from a foreign origin with 403, admits it without Origin or from its own", (method) => {
    expect(refuseForeign({ method, host: "127.0.0.1:8081", origin: "http://evil.example" }, at)).toEqual({ status: 403, error: expect.stringContaining('"http://evil.example"') });
    expect(refuseForeign({ method, host: "127.0.0.1:8081", origin: "null" }, at)?.status).toBe(403); // sandboxed frames, file:// pages
    expect(refuseForeign({ method, host: "127.0.0.1:8081", origin: "http://127.0.0.1:8080" }, at)?.status).toBe(403); // the accelerator's port is another origin
    expect(refuseForeign({ method, host: "127.0.0.1:8081", origin: "https://127.0.0.1:8081" }, at)?.status).toBe(403);
    expect(refuseForeign({ method, host: "127.0.0.1:8081" }, at)).toBeUndefined();
    for (const origin of ownOrigins(at)) expect(refuseForeign({ method, host: "127.0.0.1:8081", origin }, at)).toBeUndefined();
  });

  it.each(["GET", "HEAD", "OPTIONS"])("admits a %s from a foreign origin (it changes nothing, and the page cannot read the answer)", (method) => {
    expect(refuseForeign({ method, host: "127.0.0.1:8081", origin: "http://evil.example" }, at)).toBeUndefined();
  });
});

describe("the admin API on a real socket", () => {
  let local: RunningLocal;
  let system: LocalSystem;
  let adminUrl: string;
  let admin: AdminClient;
  let authority: string;
  const region = () => system.snapshot().regions.find((r) => r.region === "us-west-2")!;

  beforeAll(async () => {
    local = await startTestSystem();
    ({ system } = local);
    adminUrl = local.admin.url;
    admin = new AdminClient(adminUrl);
    authority = new URL(adminUrl).host;
  });
  afterAll(() => local?.close());

  /** Everything a foreign request could change, to compare before and after. */
  const state = async () => ({
    regions: system.snapshot().regions.map((r) => [r.region, r.status, r.killed, r.dial, r.weight]),
    generator: (JSON.parse((await send(`${adminUrl}/traffic`, "GET", { host: authority })).body) as { generator: unknown }).generator,
  });

  it.each(MUTATING)("%s %s with a foreign Origin is refused 403 and changes nothing", async (method, path, body) => {
    const before = await state();
    const answer = await send(`${adminUrl}${path}`, method, { host: authority, origin: "http://evil.example", "content-type": "text/plain" }, body);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/origin "http:\/\/evil\.example" is refused/) });
    expect(await state()).toEqual(before);
    expect((await admin.snapshot()).regions[0].status).toBe("200");
  });

  it.each([...MUTATING.map(([m, p, b]) => [m, p, b] as const), ...READING.map(([m, p]) => [m, p, ""] as const)])(
    "%s %s with a foreign Host is refused 421, reads nothing and changes nothing",
    async (method, path, body) => {
      const before = await state();
      const answer = await send(`${adminUrl}${path}`, method, { host: `evil.example:${new URL(adminUrl).port}`, accept: "text/event-stream" }, body);
      expect(answer.status).toBe(421);
      const json = JSON.parse(answer.body) as Record<string, unknown>;
      expect(Object.keys(json)).toEqual(["error"]); // not the state, not the page, not a stream
      expect(json.error).toMatch(/DNS rebinding/);
      expect(await state()).toEqual(before);
    },
  );

  it("a cross-site text/plain form post to /kill kills nothing", async () => {
    // What a <form enctype="text/plain" method="post"> on another site sends: no preflight, an Origin.
    const answer = await send(`${adminUrl}/regions/us-west-2/kill`, "POST", {
      host: authority,
      origin: "https://evil.example",
      "content-type": "text/plain",
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "navigate",
    }, "x=y");
    expect(answer.status).toBe(403);
    expect(region().killed).toBe(false);
  });

  it("curl-style requests (no Origin) and the dashboard's own origins still work, on 127.0.0.1 and localhost", async () => {
    const port = new URL(adminUrl).port;
    const viaLocalhost = await send(`${adminUrl}/regions/us-west-2/dial`, "PUT", { host: `localhost:${port}`, origin: `http://localhost:${port}` }, "40");
    expect(viaLocalhost.status).toBe(200);
    expect(region().dial).toBe(40);
    const own = await send(`${adminUrl}/regions/us-west-2/dial`, "PUT", { host: authority, origin: adminUrl }, "60");
    expect(own.status).toBe(200);
    expect(region().dial).toBe(60);
    await admin.setDial("us-west-2", 100); // fetch sends no Origin, as curl
    expect(region().dial).toBe(100);
    const page = await send(`${adminUrl}/`, "GET", { host: `localhost:${port}`, accept: "text/html" });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<html/i);
  });

  it("the data plane answers any Host, as AWS's endpoints do", async () => {
    const answer = await send(`${system.acceleratorUrl}/health`, "GET", { host: "evil.example" });
    expect(answer.status).toBe(200);
  });
});

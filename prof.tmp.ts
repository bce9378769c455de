import { startDynalite } from "./local/dynalite";
import { bundleHandler } from "./constructs/lib/bundle";
import { writeFileSync, mkdirSync } from "node:fs";
(async () => {
  const db = await startDynalite({ tableName: "GlobalApp", items: [{ item_id: "bench", name: "bench item", tags: ["a", "b"], n: 1 }] });
  mkdirSync(".build/prof", { recursive: true });
  writeFileSync(".build/prof/index.js", bundleHandler().code);
  Object.assign(process.env, { AWS_REGION: "us-west-2", TABLE_NAME: "GlobalApp", STATUS: "200", AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", POWERTOOLS_LOG_LEVEL: "WARN", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  const { handler } = require("./.build/prof/index.js");
  const ev = { httpMethod: "GET", path: "/get/bench", headers: {}, body: "", isBase64Encoded: false };
  for (let i = 0; i < 300; i++) await handler(ev);
  const t = performance.now();
  for (let i = 0; i < 3000; i++) await handler(ev);
  console.log("per call", ((performance.now() - t) / 3000).toFixed(3), "ms");
  await db.close();
})();

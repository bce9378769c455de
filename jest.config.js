const { availableParallelism } = require("node:os");

// The AWS SDK warns on Node < 22 that its releases from January 2027 will need Node 22. The project
// pins SDK releases that support Node 20 (__tests__/dependencies.test.ts fails on a bump past them),
// so in the suite the notice is noise: off for every worker and every program a test starts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * Jest without type-checking: @swc/jest only strips types (tsc --noEmit runs once in `npm test`).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
  // One aws provider process for the run, shared by every terraform command (support/terraform.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  testTimeout: 60000,
  // Much of the suite's wall time is spent waiting on child processes (terraform, synth runs,
  // dynalite), not inside a worker. Jest's default (cores − 1) means one worker, run in band, on a
  // 2-core machine, which serializes that waiting; three workers overlap it (docs/testing.md, Suite time).
  maxWorkers: Math.max(3, availableParallelism() - 1),
};

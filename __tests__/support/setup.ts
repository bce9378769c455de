// cdktf's Testing matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, …),
// loaded on first use: most test files never call them, and loading cdktf costs every file that
// does not need it a few hundred milliseconds of CPU.
const NAMES = [
  "toHaveResource",
  "toHaveResourceWithProperties",
  "toHaveDataSource",
  "toHaveDataSourceWithProperties",
  "toHaveProvider",
  "toHaveProviderWithProperties",
  "toBeValidTerraform",
  "toPlanSuccessfully",
] as const;

type Matcher = (this: unknown, ...args: unknown[]) => unknown;
let cdktfMatchers: Record<string, Matcher> | undefined;

/** cdktf's own matchers, as Testing.setupJest() would register them (captured, not registered). */
function matchers(): Record<string, Matcher> {
  if (!cdktfMatchers) {
    const extend = expect.extend;
    expect.extend = (m) => {
      cdktfMatchers = m as unknown as Record<string, Matcher>;
    };
    try {
      (require("cdktf") as typeof import("cdktf")).Testing.setupJest();
    } finally {
      expect.extend = extend;
    }
  }
  return cdktfMatchers!;
}

expect.extend(
  Object.fromEntries(
    NAMES.map((name) => [
      name,
      function (this: unknown, ...args: unknown[]) {
        return matchers()[name].apply(this, args);
      },
    ]),
  ) as never,
);

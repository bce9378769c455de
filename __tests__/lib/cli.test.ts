/** What every program shares: option parsing that names the problem, region and port options, usage vs failure. */
import { ConfigError } from "../../model/config";
import { integerIn, isUsageError, parseOptions, portOption, regionOption, usage, UsageError } from "../../lib/cli";

const OPTIONS = {
  target: { type: "string" },
  "time-scale": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

describe("parseOptions", () => {
  it("parses the options it knows", () => {
    expect(parseOptions(OPTIONS, ["--target", "local", "--json", "--time-scale=0.1"])).toEqual({ target: "local", json: true, "time-scale": "0.1" });
  });
  it.each([
    [["--tim-scale", "0.1"], /^unknown option --tim-scale — did you mean --time-scale\?$/],
    [["--jsn"], /^unknown option --jsn — did you mean --json\?$/],
    [["--TARGET", "aws"], /^unknown option --TARGET — did you mean --target\?$/],
    [["--colour"], /^unknown option --colour$/],
    [["-x"], /^unknown option -x$/],
    [["--target"], /^--target needs a value$/],
    [["--target", "-1"], /^--target needs a value; one that starts with "-" is written --target=-…$/],
    [["--json=yes"], /^--json takes no value$/],
    [["local"], /^unexpected argument "local"$/],
  ])("%j is a usage error naming it: %s", (argv, message) => {
    expect(() => parseOptions(OPTIONS, argv)).toThrow(UsageError);
    expect(() => parseOptions(OPTIONS, argv)).toThrow(message);
  });
});

describe("regionOption", () => {
  it("takes an AWS region code, or one of the allowed", () => {
    expect(regionOption("client-region", "ap-south-1")).toBe("ap-south-1");
    expect(regionOption("region", "eu-central-1", ["us-west-2", "eu-central-1"])).toBe("eu-central-1");
  });
  it.each([
    ["eu-central-l", undefined, /^--region "eu-central-l" is not an AWS region code — did you mean eu-central-1\?$/],
    ["us-west-3", undefined, /^--region "us-west-3" is not an AWS region code — did you mean us-west-1\?$/],
    ["mars-1", undefined, /^--region "mars-1" is not an AWS region code$/],
    ["us-west-3", ["us-west-2", "eu-central-1"], /^--region "us-west-3" is not an AWS region code — did you mean us-west-2\?$/],
    ["ap-south-1", ["us-west-2", "eu-central-1"], /^--region must be one of us-west-2, eu-central-1, got "ap-south-1"$/],
    ["us-west-1", ["us-west-2", "eu-central-1"], /^--region must be one of us-west-2, eu-central-1, got "us-west-1" — did you mean us-west-2\?$/],
  ])("refuses %s (allowed %j): %s", (value, allowed, message) => {
    expect(() => regionOption("region", value, allowed)).toThrow(message);
  });
});

describe("number options", () => {
  it("ports are 0-65535, 0 for any free one", () => {
    expect(portOption("port", undefined)).toBeUndefined();
    expect(portOption("port", "0")).toBe(0);
    expect(portOption("port", "8080")).toBe(8080);
    for (const bad of ["65536", "-1", "80.5", "", "http"]) expect(() => portOption("admin-port", bad)).toThrow(/^--admin-port must be an integer 0-65535, got/);
  });
  it("integerIn names the option and the range", () => {
    expect(() => integerIn("dial", "150", 0, 100)).toThrow('--dial must be an integer 0-100, got "150"');
  });
  it("usage() turns what an option's parser throws into bad usage", () => {
    expect(() =>
      usage(() => {
        throw new Error("--seed must be 0-4294967295");
      }),
    ).toThrow(UsageError);
  });
});

describe("isUsageError (exit 2) or a failure (exit 1)", () => {
  it.each([
    [new UsageError("x"), true],
    [new RangeError("x"), true],
    [new ConfigError("invalid GlobalApp config", []), true],
    [Object.assign(new TypeError("x"), { code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" }), true],
    [new Error("ECONNREFUSED"), false],
    [new TypeError("x"), false],
  ])("%p: %p", (err, expected) => {
    expect(isUsageError(err)).toBe(expected);
  });
});

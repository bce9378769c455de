import { UsageError } from "../../lib/cli";
import { probePathOption } from "../../targets/options";

describe("--path (the drill's and the shift's probe path)", () => {
  it("takes an absolute path, with a query, else the config's default", () => {
    expect(probePathOption(undefined, "/get/foobar")).toBe("/get/foobar");
    expect(probePathOption("/", "/get/foobar")).toBe("/");
    expect(probePathOption("/notes/welcome?fresh=1", "/")).toBe("/notes/welcome?fresh=1");
  });
  it.each([["notes"], [""], ["http://example.com/"], ["/a b"], ["/a#frag"]])("refuses %p as a usage error naming the option", (value) => {
    expect(() => probePathOption(value, "/")).toThrow(UsageError);
    expect(() => probePathOption(value, "/")).toThrow(/^--path must be an absolute URL path/);
  });
});

import { type Part, Parts } from "../../../local/runtime/parts";

/** A part that notes when it stops in `log`, and fails to stop when told to. */
const part = (name: string, log: string[], fails = false): Part => ({
  async close() {
    log.push(name);
    if (fails) throw new Error(`${name} failed to stop`);
  },
});

describe("Parts", () => {
  it("stops the parts last started first", async () => {
    const log: string[] = [];
    const parts = new Parts();
    for (const name of ["store", "region", "accelerator", "dns"]) parts.add(part(name, log));
    await parts.close();
    expect(log).toEqual(["dns", "accelerator", "region", "store"]);
  });

  it("goes on stopping the others when one fails to stop", async () => {
    const log: string[] = [];
    const parts = new Parts();
    parts.add(part("store", log));
    parts.add(part("region", log, true));
    parts.add(part("accelerator", log));
    await expect(parts.close()).resolves.toBeUndefined();
    expect(log).toEqual(["accelerator", "region", "store"]);
  });

  it("stops each part once, however often it is closed", async () => {
    const log: string[] = [];
    const parts = new Parts();
    parts.add(part("store", log));
    await parts.close();
    await parts.close();
    expect(log).toEqual(["store"]);
  });

  it("hands back the part it keeps", () => {
    const parts = new Parts();
    const store = part("store", []);
    expect(parts.add(store)).toBe(store);
  });
});

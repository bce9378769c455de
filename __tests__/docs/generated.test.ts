/**
 * The docs generated from the code are current: docs/configuration.md's key tables,
 * docs/security.md's exception table and globalapp.schema.json are what `npm run docs` writes now.
 */
import { DOCS_COMMAND, GENERATED_DOCS, staleFiles } from "../../scripts/docs/generated";
import { ROOT } from "./support/markdown";

describe("generated docs", () => {
  it(`are current (else: run ${DOCS_COMMAND})`, () => {
    const stale = staleFiles(ROOT);
    if (stale.length > 0) throw new Error(`${stale.join(", ")} not current: run ${DOCS_COMMAND} and commit the result`);
    expect(stale).toEqual([]);
  });

  it("cover the config reference, its JSON Schema and the security exceptions", () => {
    expect(GENERATED_DOCS.map((d) => d.file).sort()).toEqual(["docs/configuration.md", "docs/security.md", "globalapp.schema.json"]);
  });
});

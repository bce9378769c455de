import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { answersOf, type Answers, askProvider, probes } from "../support/provider-replacements";
import { synthGlobalApp } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

/**
 * The change-impact table (model/change-impact.ts) rests on which attribute changes the aws provider
 * answers with a replacement. This asks the provider binary itself (support/provider-replacements.ts),
 * for every top-level attribute the stack sets, and holds its answers against the stored fixture that
 * the fast tests (__tests__/model/change-impact.test.ts) hold the table against. After a provider
 * upgrade or a stack that sets new attributes: GLOBALAPP_UPDATE_FIXTURES=1 rewrites the fixture, and
 * the table must follow it.
 */
const FIXTURE = join(__dirname, "..", "model", "fixtures", "aws-provider-replacements.json");

/** The fixture: who answered, how, and the answers per resource type. */
interface Fixture {
  readonly provider: string;
  readonly terraform: string;
  readonly method: string;
  readonly types: Answers;
}

describeWithTerraform("what the aws provider replaces, asked of the provider binary", (tf) => {
  let asked: Fixture;
  beforeAll(async () => {
    const all = probes();
    const { terraform } = synthGlobalApp({}).tf as unknown as { terraform: { required_providers: unknown } };
    const { verdicts, provider } = await askProvider(tf, terraform.required_providers, all);
    asked = {
      provider,
      terraform: tf.version,
      method: "terraform plan -refresh=false: per probe, a state holding one value of the attribute and a configuration holding another (__tests__/support/provider-replacements.ts); replaces = the plan's replace_paths name the attribute",
      types: answersOf(all, verdicts),
    };
    if (process.env.GLOBALAPP_UPDATE_FIXTURES === "1") writeFileSync(FIXTURE, `${JSON.stringify(asked, null, 2)}\n`);
  }, 600_000);

  it("the stored answers are the provider's (GLOBALAPP_UPDATE_FIXTURES=1 rewrites them)", () => {
    const stored = JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture;
    expect(asked.provider).toBe(stored.provider);
    const sets = (a: Answers) => Object.fromEntries(Object.entries(a).map(([t, v]) => [t, { replaces: v.replaces, inPlace: v.inPlace, unanswered: Object.keys(v.unanswered).sort() }]));
    expect(sets(asked.types)).toEqual(sets(stored.types));
  });
  it("answers every probe (one the provider refuses to plan needs an entry in ALTERNATIVES)", () => {
    const unanswered = Object.entries(asked.types).flatMap(([t, v]) => Object.entries(v.unanswered).map(([a, e]) => `${t}.${a}: ${e}`));
    expect(unanswered).toEqual([]);
  });
});

import { CHROMIUM_INSTALL_COMMAND, chromiumBinary, DEFAULT_CHROMIUM } from "../../scripts/lib/browser";

/**
 * `describe` when a Chromium is installed; otherwise a visible skip naming the command that installs
 * one — except under CI=true, where a missing browser is a failure, never a silent pass (as
 * describeWithTerraform does for terraform).
 */
export function describeWithBrowser(name: string, fn: (executablePath: string) => void): void {
  const bin = chromiumBinary();
  if (bin) {
    describe(name, () => fn(bin));
    return;
  }
  const where = process.env.CHROMIUM_BINARY || DEFAULT_CHROMIUM;
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs Chromium (CI=true: a missing browser is a failure)", () => {
        throw new Error(`no Chromium at ${where}: ${CHROMIUM_INSTALL_COMMAND} (.ci/run does this), or set CHROMIUM_BINARY`);
      });
    });
    return;
  }
  process.stderr.write(`\n[globalapp] SKIPPED "${name}": no Chromium at ${where}; install it with: ${CHROMIUM_INSTALL_COMMAND} (or set CHROMIUM_BINARY)\n`);
  describe.skip(`${name} (SKIPPED: no Chromium; ${CHROMIUM_INSTALL_COMMAND})`, () => fn(undefined as never));
}

/**
 * A target named explicitly on the command line (`--url`, `--admin`) must answer before a program
 * changes anything: an address that is wrong is a usage error naming it, never a run against
 * something else, or a drill that measures a dead address as a failover.
 */
import { UsageError } from "../lib/cli";
import { probe } from "../lib/probe";

/** Real ms an explicitly named target gets to answer. */
export const ANSWER_TIMEOUT_MS = 5000;

/**
 * Resolves once `url` answers HTTP at all (any status: `/health` may be failing, that is what a drill
 * is for). @throws UsageError naming `--<option> URL` and why nothing answered
 */
export async function mustAnswer(option: string, url: string, signal?: AbortSignal): Promise<void> {
  const r = await probe(`${url}/health`, { timeoutMs: ANSWER_TIMEOUT_MS });
  if (signal?.aborted) throw signal.reason;
  if (r.status === 0) throw new UsageError(`--${option} ${url}: nothing answers there (${r.error ?? "no response"})`);
}

/**
 * What the CLIs that run against a target (`npm run drill`, `npm run shift`) share beyond the
 * project's CLI helpers (lib/cli.ts): the target options, and their check before anything starts.
 */
import { portOption, usage, UsageError } from "../lib/cli";
import { parseTimeScale, type TimeScale } from "../lib/time-scale";

/** The `parseArgs` options of a CLI that runs against the local system or the deployed stack, as the drill does. */
export const TARGET_OPTIONS = {
  target: { type: "string" },
  json: { type: "boolean" },
  "time-scale": { type: "string" },
  yes: { type: "boolean", short: "y" },
  outputs: { type: "string" },
  url: { type: "string" },
  admin: { type: "string" },
  fresh: { type: "boolean" },
  port: { type: "string" },
  "admin-port": { type: "string" },
  "dns-port": { type: "string" },
  path: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The `--target` value. @throws UsageError unless it is local or aws */
export function targetKind(value: string | undefined): "local" | "aws" {
  if (value !== "local" && value !== "aws") throw new UsageError(`--target must be local or aws${value ? `, got "${value}"` : ""}`);
  return value;
}

/** The target options' raw values (parseArgs). */
export interface TargetValues {
  readonly target?: string;
  readonly "time-scale"?: string;
  readonly outputs?: string;
  readonly url?: string;
  readonly admin?: string;
  readonly fresh?: boolean;
  readonly port?: string;
  readonly "admin-port"?: string;
  readonly "dns-port"?: string;
}

/** The target options, checked. */
export interface TargetChoice {
  readonly kind: "local" | "aws";
  /** `--time-scale`, when given. */
  readonly scale?: TimeScale;
  /** local: `--admin`, the admin API of a running system that must answer. */
  readonly adminUrl?: string;
  /** local: start a system of the program's own (`--fresh`, or any of the port options). */
  readonly fresh: boolean;
  /** local: the ports of a system the program starts; 0 (any free port) when not given. */
  readonly ports: { readonly port: number; readonly adminPort: number; readonly dnsPort: number };
  /** aws: `--url`, the base URL to send requests to. */
  readonly url?: string;
}

const LOCAL_ONLY = ["admin", "fresh", "port", "admin-port", "dns-port"] as const;
const AWS_ONLY = ["outputs", "url"] as const;

/**
 * Checks the target options together, before anything starts: the target, options that only apply
 * to the other target, URLs that are URLs, ports that are ports, and `--admin` (a running system)
 * against the options that start one. @throws UsageError naming the option
 */
export function targetChoice(values: TargetValues): TargetChoice {
  const kind = targetKind(values.target);
  const given = (name: keyof TargetValues) => values[name] !== undefined && values[name] !== false;
  const other = kind === "aws" ? LOCAL_ONLY : AWS_ONLY;
  const wrong = other.filter(given);
  if (wrong.length > 0) throw new UsageError(`${wrong.map((o) => `--${o}`).join(", ")} ${wrong.length > 1 ? "apply" : "applies"} to --target ${kind === "aws" ? "local" : "aws"} only`);
  const scale = values["time-scale"] === undefined ? undefined : usage(() => parseTimeScale(values["time-scale"]!));
  if (kind === "aws" && scale && scale.factor !== 1) throw new UsageError("--time-scale applies to --target local only: AWS runs in real time");
  const ports = {
    port: portOption("port", values.port) ?? 0,
    adminPort: portOption("admin-port", values["admin-port"]) ?? 0,
    dnsPort: portOption("dns-port", values["dns-port"]) ?? 0,
  };
  const startsOne = (["fresh", "port", "admin-port", "dns-port"] as const).filter(given);
  if (values.admin !== undefined && startsOne.length > 0) {
    throw new UsageError(`--admin names a running system; ${startsOne.map((o) => `--${o}`).join(", ")} ${startsOne.length > 1 ? "are" : "is"} for a system started for you: give one or the other`);
  }
  return {
    kind,
    ...(scale ? { scale } : {}),
    ...(values.admin !== undefined ? { adminUrl: httpUrl("admin", values.admin) } : {}),
    fresh: startsOne.length > 0,
    ports,
    ...(values.url !== undefined ? { url: httpUrl("url", values.url) } : {}),
  };
}

/** An http(s) URL option, without a trailing slash. @throws UsageError naming the option */
export function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name} must be a URL such as http://127.0.0.1:8081, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--${name} must be an http:// or https:// URL, got "${value}"`);
  return value.replace(/\/+$/, "");
}

/** The `--path` value: an absolute URL path, else `fallback`. @throws UsageError for anything else */
export function probePathOption(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^\/[^\s#]*$/.test(value)) throw new UsageError(`--path must be an absolute URL path such as "/" or "/get/foobar", got "${value}"`);
  return value;
}

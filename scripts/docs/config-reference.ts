/**
 * The configuration reference, generated from the config schema (model/config/schema.ts) the way
 * terraform-docs generates a module's inputs: every key with its type, default, allowed values and
 * description. The same walk gives globalapp.schema.json, the JSON Schema editors use to complete and
 * check a config file. Pure: `npm run docs` (scripts/docs.ts) writes what these functions return.
 */
import { z } from "zod";
import { BUILTIN_DEFAULTS, CONFIG_SHAPE } from "../../model/config";

/** A JSON Schema node as zod writes it, with our metadata (`allowed`, `defaultText`) still in it. */
interface Node {
  type?: string;
  description?: string;
  allowed?: string;
  defaultText?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  oneOf?: Node[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  propertyNames?: Node;
  additionalProperties?: Node | boolean;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  [keyword: string]: unknown;
}

/** One key of the reference. */
export interface KeyDoc {
  /** Dotted path, e.g. `healthCheck.intervalSeconds`. */
  readonly path: string;
  /** The top-level key it belongs to (its section), or "" for top-level values. */
  readonly section: string;
  readonly type: string;
  /** The default in markdown: a JSON value in backticks, words, "none" or "required". */
  readonly defaultValue: string;
  /** The allowed values in markdown. */
  readonly allowed: string;
  readonly description: string;
}

/** A section of the reference: a top-level object (`healthCheck`) or the top-level values. */
export interface SectionDoc {
  readonly key: string;
  readonly description: string;
  readonly keys: KeyDoc[];
}

/** The page of the reference, and the JSON Schema file in the project root (for `"$schema": "./globalapp.schema.json"`). */
export const REFERENCE_FILE = "docs/configuration.md";
export const JSON_SCHEMA_FILE = "globalapp.schema.json";

/** What the reference is generated from: a config schema and its built-in defaults. */
export interface ReferenceSource {
  readonly shape: z.ZodType;
  readonly defaults: unknown;
}

/** The project's config: model/config/schema.ts and model/config/defaults.ts. */
export const CONFIG: ReferenceSource = { shape: CONFIG_SHAPE, defaults: BUILTIN_DEFAULTS };

/** The schema as zod writes it, our metadata included (draft-07: what most editors support best). */
function rawJsonSchema(source: ReferenceSource): Node {
  return z.toJSONSchema(source.shape, { io: "input", reused: "inline", target: "draft-07" }) as Node;
}

const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;
const range = (min: number | undefined, max: number | undefined, unit = "") =>
  min !== undefined && max !== undefined ? `${min}–${max}${unit}` : min !== undefined ? `≥ ${min}${unit}` : max !== undefined ? `≤ ${max}${unit}` : undefined;

/** The literal values a node allows (an enum, a const, a union of consts), if that is what it is. */
function literals(n: Node): unknown[] | undefined {
  if (n.enum) return n.enum;
  if ("const" in n) return [n.const];
  if (n.anyOf?.every((o) => "const" in o)) return n.anyOf.map((o) => o.const);
  return undefined;
}

function typeOf(n: Node): string {
  const values = literals(n);
  if (values) return [...new Set(values.map((v) => (typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v)))].join(" | ");
  if (n.type === "array" && n.items) return `list of ${typeOf(n.items)}`;
  if (n.type === "object" && typeof n.additionalProperties === "object") return `map of ${typeOf(n.additionalProperties)}`;
  if (n.type) return n.type;
  throw new Error(`config reference: no type for ${JSON.stringify(n)}`);
}

/** The allowed values in words: the schema's `allowed` text where given, else derived from the type. */
function allowedOf(n: Node, path: string): string {
  if (n.allowed) return n.allowed;
  const values = literals(n);
  if (values) return values.map(code).join(" | ");
  switch (n.type) {
    case "boolean":
      return "`true` | `false`";
    case "integer":
    case "number":
      return range(n.minimum, n.maximum) ?? n.type;
    case "array":
      return `list of ${n.items ? allowedOf(n.items, `${path}[]`) : "values"}${range(n.minItems, n.maxItems, " items") ? ` (${range(n.minItems, n.maxItems, " items")})` : ""}`;
    case "object":
      if (typeof n.additionalProperties === "object" && n.propertyNames) {
        return `${allowedOf(n.propertyNames, `${path} key`)} → ${allowedOf(n.additionalProperties, path)}`;
      }
      break;
    case "string":
      // A pattern says nothing to a reader: the schema must say it in words.
      if (n.pattern === undefined) return range(n.minLength, n.maxLength, " characters") ?? "a string";
  }
  throw new Error(`config reference: ${path} needs \`allowed\` in its .meta() (its values cannot be said from its type)`);
}

function valueAt(defaults: unknown, path: readonly string[]): unknown {
  let v: unknown = defaults;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/**
 * The default in markdown: the schema's `defaultText` where given, else the built-in default, else
 * "none", saying when the key is required once its object is given (`requiredWith`).
 */
function defaultOf(defaults: unknown, n: Node, path: readonly string[], requiredWith: string | undefined): string {
  if (n.defaultText) return n.defaultText;
  const v = valueAt(defaults, path);
  if (v !== undefined) return code(JSON.stringify(v));
  return requiredWith ? `none (required with ${requiredWith})` : "none";
}

function descriptionOf(n: Node, path: string): string {
  if (!n.description) throw new Error(`config reference: ${path} has no description: give it .describe() or .meta({ description }) in model/config/schema.ts`);
  return n.description;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

const isGroup = (n: Node) => n.properties !== undefined || n.oneOf !== undefined;

function leaf(defaults: unknown, n: Node, path: string[], section: string, requiredWith: string | undefined, prefix = ""): KeyDoc {
  const dotted = path.join(".");
  return {
    path: dotted,
    section,
    type: typeOf(n),
    defaultValue: defaultOf(defaults, n, path, requiredWith),
    allowed: allowedOf(n, dotted),
    description: prefix ? prefix + lowerFirst(descriptionOf(n, dotted)) : descriptionOf(n, dotted),
  };
}

/** The keys under an object node (its variants' keys, for the state backends), depth first. */
function keysOf(defaults: unknown, n: Node, path: string[], section: string): KeyDoc[] {
  if (n.oneOf) return variantKeys(defaults, n.oneOf, path, section);
  return Object.entries(n.properties ?? {}).flatMap(([name, child]) =>
    isGroup(child)
      ? keysOf(defaults, child, [...path, name], section)
      : [leaf(defaults, child, [...path, name], section, (n.required ?? []).includes(name) ? code(path.join(".")) : undefined)],
  );
}

/**
 * The keys of a discriminated union (`state`): the discriminator once, its values' descriptions
 * together; every other key once, saying which variant takes it.
 */
function variantKeys(defaults: unknown, variants: Node[], path: string[], section: string): KeyDoc[] {
  const discriminator = Object.keys(variants[0].properties ?? {}).find((k) => variants.every((v) => "const" in (v.properties?.[k] ?? {})));
  if (!discriminator) throw new Error(`config reference: ${path.join(".")}: a union without a common literal key`);
  const tag = (v: Node) => String(v.properties![discriminator].const);
  const discriminatorPath = [...path, discriminator];
  const dotted = discriminatorPath.join(".");
  const out: KeyDoc[] = [
    {
      path: dotted,
      section,
      type: "string",
      defaultValue: defaultOf(defaults, {}, discriminatorPath, undefined),
      allowed: variants.map((v) => code(tag(v))).join(" | "),
      description: variants.map((v) => `${code(tag(v))}: ${descriptionOf(v.properties![discriminator], `${dotted} ${tag(v)}`)}`).join(" "),
    },
  ];
  for (const v of variants) {
    // Only the default variant's keys have built-in defaults: another backend replaces the whole object.
    const isDefault = valueAt(defaults, discriminatorPath) === tag(v);
    for (const [name, child] of Object.entries(v.properties ?? {})) {
      if (name === discriminator) continue;
      const requiredWith = (v.required ?? []).includes(name) ? `${code(dotted)} ${code(tag(v))}` : undefined;
      const doc = leaf(defaults, child, [...path, name], section, requiredWith, `With ${code(dotted)} ${code(tag(v))}: `);
      out.push(isDefault || child.defaultText ? doc : { ...doc, defaultValue: requiredWith ? `none (required with ${requiredWith})` : "none" });
    }
  }
  return out;
}

/** Every key of the config, grouped by section: the top-level values first, then each top-level object in schema order. */
export function configSections(source: ReferenceSource = CONFIG): SectionDoc[] {
  const root = rawJsonSchema(source);
  const top: KeyDoc[] = [];
  const sections: SectionDoc[] = [];
  for (const [name, child] of Object.entries(root.properties ?? {})) {
    if (isGroup(child)) {
      sections.push({ key: name, description: descriptionOf(child, name), keys: keysOf(source.defaults, child, [name], name) });
    } else {
      top.push(leaf(source.defaults, child, [name], "", undefined));
    }
  }
  return [{ key: "", description: "Keys at the top of the config.", keys: top }, ...sections];
}

/** Every key's dotted path, in reference order. */
export function configKeyPaths(source: ReferenceSource = CONFIG): string[] {
  return configSections(source).flatMap((s) => s.keys.map((k) => k.path));
}

/** A table cell: GitHub ends a cell at every unescaped pipe, in code spans too. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The heading of a section in the reference. */
export const sectionHeading = (s: SectionDoc) => (s.key === "" ? "Top level" : `\`${s.key}\``);

/** The generated part of docs/configuration.md: a contents list, then one table per section. */
export function configReferenceMarkdown(source: ReferenceSource = CONFIG): string {
  const sections = configSections(source);
  const anchor = (s: SectionDoc) => (s.key === "" ? "top-level" : s.key.toLowerCase());
  const lines = [
    `${sections.reduce((n, s) => n + s.keys.length, 0)} keys, in ${sections.length} groups:`,
    "",
    ...sections.map((s) => `- [${sectionHeading(s)}](#${anchor(s)})`),
  ];
  for (const s of sections) {
    lines.push("", `### ${sectionHeading(s)}`, "", s.description, "", "| key | type | default | allowed values | description |", "|---|---|---|---|---|");
    for (const k of s.keys) lines.push(`| \`${k.path}\` | ${k.type} | ${cell(k.defaultValue)} | ${cell(k.allowed)} | ${cell(k.description)} |`);
  }
  return lines.join("\n");
}

/**
 * globalapp.schema.json: what a config file may hold. Every key is optional (a GLOBALAPP_CONFIG file
 * holds only what it changes and is merged over the defaults), each with its description, allowed
 * values and default; rules between keys (timeout below interval, homeRegion in regions, …) are
 * synth's to check. A top-level `$schema` names this file and is ignored by the loader.
 */
export function configJsonSchema(source: ReferenceSource = CONFIG): Record<string, unknown> {
  const root = rawJsonSchema(source);
  const clean = (n: Node): Node => {
    const out: Node = {};
    for (const [k, v] of Object.entries(n)) {
      if (k === "allowed" || k === "defaultText" || k === "required") continue;
      if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Record<string, Node>).map(([name, c]) => [name, clean(c)]));
      // A partial state object (`{"bucket": …}`) matches every variant once `required` is gone: any one will do.
      else if (k === "oneOf" || k === "anyOf") out.anyOf = (v as Node[]).map(clean);
      else if (k === "items" || k === "propertyNames" || (k === "additionalProperties" && typeof v === "object")) out[k] = clean(v as Node);
      else out[k] = v;
    }
    return out;
  };
  /** Adds each key's built-in default (`default`, which editors offer) to its property. */
  const withDefaults = (n: Node, path: string[]): Node => {
    if (n.properties) {
      const properties = Object.fromEntries(Object.entries(n.properties).map(([name, c]) => [name, withDefaults(c, [...path, name])]));
      return { ...n, properties };
    }
    if (n.anyOf?.some((o) => o.properties)) return n; // the state variants: only one of them has the defaults
    const v = valueAt(source.defaults, path);
    return v === undefined ? n : { ...n, default: v };
  };
  const cleaned = withDefaults(clean(root), []);
  return {
    $schema: cleaned.$schema,
    title: "GlobalApp configuration",
    description:
      "A GlobalApp config: cdktf.json's context.globalapp, or a GLOBALAPP_CONFIG file deep-merged over it. Reference: docs/configuration.md. Rules between keys are checked by npm run synth.",
    type: "object",
    properties: {
      $schema: { type: "string", description: "This file's JSON Schema, e.g. ./globalapp.schema.json (for editors; GlobalApp ignores the key)." },
      ...(cleaned.properties ?? {}),
    },
    additionalProperties: false,
  };
}

/** The text of globalapp.schema.json. */
export const configJsonSchemaText = () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;

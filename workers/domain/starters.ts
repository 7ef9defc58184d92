// Reading starters (site configs) from YAML, as tenant admins upload them and as OCW writes them.
import { parseDocument } from "yaml";
import { formatStarterPath, type StarterConfig, starterConfig } from "#schemas/starter";

export const MAX_STARTER_BYTES = 512 * 1024;

export type StarterError = { field: string; message: string };
export type StarterParseResult =
  | { ok: true; config: StarterConfig }
  | { ok: false; errors: StarterError[] };

export function parseStarterYaml(text: string): StarterParseResult {
  if (new TextEncoder().encode(text).byteLength > MAX_STARTER_BYTES) {
    return {
      ok: false,
      errors: [{ field: "", message: `a starter may be at most ${MAX_STARTER_BYTES} bytes` }],
    };
  }
  // OCW's own config repeats a mapping key (`Engineering` in options_map); YAML 1.2 says the
  // later one wins, which is what OCW Studio's loader does too. Aliases are capped so a small
  // file cannot expand into a huge one.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        field: e.linePos?.[0] ? `line ${e.linePos[0].line}:${e.linePos[0].col}` : "",
        message: e.message.split("\n")[0] ?? e.message,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return {
      ok: false,
      errors: [{ field: "", message: err instanceof Error ? err.message : String(err) }],
    };
  }
  const parsed = starterConfig.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        field: formatStarterPath(i.path),
        message: i.message,
      })),
    };
  }
  return { ok: true, config: parsed.data };
}

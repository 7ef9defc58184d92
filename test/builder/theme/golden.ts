// Unpacks a golden export (test/golden/*.txt: every file under a `==> path <==` line, a missing
// final newline marked as `diff` marks it) into a directory, so Hugo can build it.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const NO_NEWLINE = "\\ No newline at end of file";
const HEADER = /^==> (.+) <==$/;

export const goldenDir = fileURLToPath(new URL("../../golden/", import.meta.url));

/** The files of a golden text: path → content, in file order. */
export function parseGolden(text: string): Map<string, string> {
  const files = new Map<string, string>();
  let path: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (path === undefined) return;
    // Every line ended with a newline unless the marker follows the last one.
    const last = lines.at(-1);
    files.set(
      path,
      last === NO_NEWLINE ? lines.slice(0, -1).join("\n") : lines.map((l) => `${l}\n`).join(""),
    );
  };
  // The text's own final newline ends the last line, it does not start another.
  const all = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  for (const line of all) {
    const header = HEADER.exec(line);
    if (header) {
      flush();
      path = header[1];
      lines = [];
    } else {
      if (path === undefined) throw new Error(`golden text starts without a header: ${line}`);
      lines.push(line);
    }
  }
  flush();
  return files;
}

/** Writes the files of golden export `name` (e.g. "ocw-ci-test-course.course") under `dir`. */
export async function unpackGolden(name: string, dir: string): Promise<Map<string, string>> {
  const files = parseGolden(await readFile(join(goldenDir, `${name}.txt`), "utf8"));
  for (const [path, content] of files) {
    const target = resolve(dir, path);
    if (relative(dir, target).startsWith("..")) throw new Error(`path escapes: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return files;
}

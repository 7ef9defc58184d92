// The YAML of a starter: a plain textarea (works without JavaScript) and, once JavaScript runs,
// a file picker that reads a .yaml file into it. Problems the API found inside the YAML are
// listed under the field with the path they point at.
import { useRef, useState } from "react";
import { useHydrated } from "../lib/use-hydrated.ts";
import { TextAreaField } from "./form-fields.tsx";

export type StarterProblem = { path: string; message: string };

/** The problems inside the YAML from a failed upload (other failures carry none). */
export function starterProblemsOf(failure: object | null | undefined): StarterProblem[] {
  if (!failure || !("starterProblems" in failure) || !Array.isArray(failure.starterProblems)) {
    return [];
  }
  return failure.starterProblems as StarterProblem[];
}

export function StarterSourceField({
  idPrefix,
  problems,
  defaultValue,
}: {
  idPrefix: string;
  problems: StarterProblem[];
  defaultValue?: string;
}) {
  const hydrated = useHydrated();
  const wrapper = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<string | null>(null);

  async function readFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    const textarea = wrapper.current?.querySelector("textarea");
    if (!file || !textarea) return;
    textarea.value = await file.text();
    setLoaded(`Read ${file.name} into the field below.`);
  }

  return (
    <div ref={wrapper} className="starter-source">
      {hydrated ? (
        <div className="field">
          <label htmlFor={`${idPrefix}-file`}>Read from a file (optional)</label>
          <input
            id={`${idPrefix}-file`}
            type="file"
            accept=".yaml,.yml,text/yaml,application/yaml"
            onChange={readFile}
            aria-describedby={`${idPrefix}-file-status`}
          />
          <p className="field-hint" id={`${idPrefix}-file-status`} role="status">
            {loaded ?? ""}
          </p>
        </div>
      ) : null}
      <TextAreaField
        name="source"
        label="Starter YAML"
        hint="OCW Studio's site config format: a list of collections with their fields."
        rows={14}
        spellCheck={false}
        autoCapitalize="none"
        defaultValue={defaultValue}
        errorDetails={
          problems.length > 0 ? (
            <ul className="problem-list">
              {problems.map((p) => (
                <li key={`${p.path}:${p.message}`}>
                  <code>{p.path}</code> {p.message}
                </li>
              ))}
            </ul>
          ) : null
        }
      />
    </div>
  );
}

// A rejected starter upload. The API points at places inside the YAML
// (`collections[0].fields[1].widget`); those become a list next to the YAML field, while errors
// about the form's own fields (slug, name) stay next to those fields.
import { data, redirect } from "react-router";
import type { StarterProblem } from "../components/starter-source-field.tsx";
import { type FieldErrors, sentence } from "./forms.ts";
import { type FormFailure, messageOf, readProblem, signInPath } from "./problem.server.ts";

export type { StarterProblem };
export type StarterUploadFailure = FormFailure & { starterProblems: StarterProblem[] };

export async function failStarterUpload(
  res: { status: number; headers: Headers; json(): Promise<unknown> },
  request: Request,
  form: { intent: string; labels: Record<string, string>; values: Record<string, string> },
) {
  if (res.status === 401) throw redirect(signInPath(request));
  const problem = await readProblem(res);
  const fieldErrors: FieldErrors = {};
  const starterProblems: StarterProblem[] = [];
  for (const error of problem.errors ?? []) {
    if (error.field in form.labels) {
      fieldErrors[error.field] ??= sentence(form.labels[error.field], error.message);
    } else {
      starterProblems.push({ path: error.field, message: error.message });
    }
  }
  if (starterProblems.length > 0) {
    fieldErrors.source ??=
      starterProblems.length === 1
        ? "The starter has a problem, shown below the field."
        : `The starter has ${starterProblems.length} problems, listed below the field.`;
  }
  const failure: StarterUploadFailure = {
    ok: false,
    intent: form.intent,
    fieldErrors,
    formError: Object.keys(fieldErrors).length > 0 ? null : messageOf(problem),
    values: form.values,
    starterProblems,
  };
  return data(failure, { status: res.status });
}

// The item form: every field the starter declares, one save button. With scripts the whole
// state is posted as JSON (`payload`) and checked in the browser first; without, the named
// inputs are posted and the action reads them (see lib/content-submission.server.ts).
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Form, useNavigation } from "react-router";
import {
  type EditorShape,
  FILENAME_LABEL,
  FORM_ID,
  fieldId,
  fieldLabels,
  validateValues,
} from "../../lib/content-form.ts";
import type { EditorValues } from "../../lib/content-values.ts";
import type { FieldErrors } from "../../lib/forms.ts";
import { useHydrated } from "../../lib/use-hydrated.ts";
import { ErrorSummary } from "../form-fields.tsx";
import { type EditorEnv, EditorEnvContext } from "./editor-context.ts";
import { FieldList } from "./field-list.tsx";
import { UnsavedChanges } from "./unsaved-changes.tsx";

export type EditorChoicesEnv = Omit<EditorEnv, "errors" | "hydrated">;

function FilenameField({
  value,
  onChange,
  creating,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  creating: boolean;
  error: string | undefined;
}) {
  const id = fieldId("filename");
  return (
    <div className={error ? "field editor-field field-invalid" : "field editor-field"}>
      <label htmlFor={id}>{FILENAME_LABEL}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {creating
          ? "Lowercase letters, digits, - and _. Made from the title when left empty."
          : "Part of the page's address: changing it breaks links to the old address."}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      <input
        id={id}
        name="filename"
        type="text"
        spellCheck={false}
        autoCapitalize="none"
        maxLength={120}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function ItemEditor({
  shape,
  initial,
  restored,
  creating,
  version,
  choices,
  serverErrors,
  formError,
  submitLabel,
  hiddenFields,
  readOnly = false,
}: {
  shape: EditorShape;
  /** The stored values (or a new item's defaults): "unsaved" means different from these. */
  initial: EditorValues;
  /** What a failed save without scripts sent, shown instead of `initial`. */
  restored: EditorValues | null;
  creating: boolean;
  version: number | null;
  choices: EditorChoicesEnv;
  serverErrors: FieldErrors | null;
  formError: string | null;
  submitLabel: string;
  hiddenFields: Record<string, string>;
  /** For people who may read but not edit: every control disabled, no save. */
  readOnly?: boolean;
}) {
  const hydrated = useHydrated();
  const navigation = useNavigation();
  const [values, setValues] = useState<EditorValues>(restored ?? initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const submitting = useRef(false);
  // Until the page has reloaded (or followed a redirect) after this form's submission.
  const saving =
    navigation.state !== "idle" && navigation.formData?.get("intent") === hiddenFields.intent;
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  const errors = clientErrors ?? serverErrors ?? {};
  const labels = fieldLabels(shape.fields);

  // A save that came back with errors leaves the page editable, and guarded, again.
  useEffect(() => {
    if (navigation.state === "idle") submitting.current = false;
  }, [navigation.state]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = validateValues(shape, values, creating);
    if (Object.keys(found).length > 0) {
      event.preventDefault();
      setClientErrors(found);
      return;
    }
    setClientErrors(null);
    submitting.current = true;
  };

  const env: EditorEnv = { ...choices, errors, hydrated };

  return (
    <EditorEnvContext.Provider value={env}>
      <ErrorSummary
        id={FORM_ID}
        errors={errors}
        formError={clientErrors ? null : formError}
        labels={labels}
      />
      <Form method="post" noValidate onSubmit={onSubmit} className="item-form">
        {Object.entries(hiddenFields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {version !== null ? <input type="hidden" name="version" value={version} /> : null}
        {hydrated ? <input type="hidden" name="payload" value={JSON.stringify(values)} /> : null}
        <fieldset className="item-fields" disabled={readOnly}>
          <p className="muted small">
            Fields marked <span className="required-mark">*</span> are required.
          </p>
          {shape.kind === "folder" ? (
            <FilenameField
              value={values.filename}
              creating={creating}
              error={errors.filename}
              onChange={(filename) => setValues((v) => ({ ...v, filename }))}
            />
          ) : null}
          <FieldList
            fields={shape.fields}
            values={values.fields}
            prefix=""
            onChange={(fields) => setValues((v) => ({ ...v, fields }))}
            body={
              shape.hasBody
                ? { value: values.body, onChange: (body) => setValues((v) => ({ ...v, body })) }
                : undefined
            }
          />
        </fieldset>
        {readOnly ? null : (
          <div className="editor-actions">
            <button type="submit" className="button primary" disabled={saving}>
              {saving ? "Saving…" : submitLabel}
            </button>
            <span className="muted small" aria-live="polite">
              {hydrated && dirty && !saving ? "Unsaved changes" : ""}
            </span>
          </div>
        )}
      </Form>
      {readOnly ? null : <UnsavedChanges dirty={() => dirty && !submitting.current} />}
    </EditorEnvContext.Provider>
  );
}

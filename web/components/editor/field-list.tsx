// The fields of one level of an item (the item itself, or an object field's value) generated
// from the starter: each with its label, required marker, help text, error and widget.
import type { ReactNode } from "react";
import type { StarterField } from "#schemas/starter";
import { fieldId, joinPath } from "../../lib/content-form.ts";
import { conditionHolds, isPlainObject } from "../../lib/content-values.ts";
import { useEditorEnv } from "./editor-context.ts";
import { FieldInput, isGroupWidget } from "./field-input.tsx";

export type WidgetProps = {
  field: StarterField;
  /** Dotted path of the value (`image_metadata.caption`): error keys and ids use it. */
  path: string;
  /** Name of the input(s) a form without scripts posts. */
  name: string;
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  describedBy: string | undefined;
  labelId: string;
  invalid: boolean;
  disabled: boolean;
};

function Label({ field }: { field: StarterField }) {
  return (
    <>
      {field.label}
      {field.required ? (
        <>
          <span className="required-mark" aria-hidden="true">
            {" "}
            *
          </span>
          <span className="visually-hidden"> (required)</span>
        </>
      ) : null}
    </>
  );
}

function FieldRow({
  field,
  path,
  name,
  value,
  onChange,
  siblings,
  siblingLabel,
}: {
  field: StarterField;
  path: string;
  name: string;
  value: unknown;
  onChange: (value: unknown) => void;
  siblings: Record<string, unknown>;
  siblingLabel: (name: string) => string;
}) {
  const env = useEditorEnv();
  const id = fieldId(path);
  const error = env.errors[path];
  const holds = conditionHolds(field, siblings);
  // With scripts a field whose condition fails is hidden as the sibling changes; without, it
  // stays visible with a note (the API ignores it unless the condition holds).
  if (!holds && env.hydrated) return null;
  const notes: ReactNode[] = [];
  if (field.help) notes.push(field.help);
  if (field.readOnly) notes.push("Read-only: shown as stored, not changed here.");
  if (field.widget === "file" && env.fileMissing) {
    notes.push(
      "Missing file: the imported course did not contain it. Correct the path or upload it again.",
    );
  }
  if (field.condition && !env.hydrated) {
    notes.push(
      `Used only when ${siblingLabel(field.condition.field)} is ${String(field.condition.equals)}.`,
    );
  }
  const hintId = notes.length > 0 ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const props: WidgetProps = {
    field,
    path,
    name,
    id,
    value,
    onChange,
    describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined,
    labelId: `${id}-label`,
    invalid: Boolean(error),
    disabled: Boolean(field.readOnly),
  };
  const hint = hintId ? (
    <p className="field-hint" id={hintId}>
      {notes.join(" ")}
    </p>
  ) : null;
  const errorText = error ? (
    <p className="field-error" id={errorId}>
      <span className="visually-hidden">Error: </span>
      {error}
    </p>
  ) : null;
  const className = `field editor-field${error ? " field-invalid" : ""}`;

  if (field.widget === "boolean") {
    return (
      <div className={`${className} field-check`}>
        <FieldInput {...props} />
        <label htmlFor={id} id={props.labelId}>
          <Label field={field} />
        </label>
        {hint}
        {errorText}
      </div>
    );
  }
  if (isGroupWidget(field)) {
    return (
      <fieldset
        className={`${className} field-group field-group-${field.widget}`}
        id={id}
        tabIndex={-1}
        aria-describedby={props.describedBy}
      >
        <legend id={props.labelId}>
          <Label field={field} />
        </legend>
        {hint}
        {errorText}
        <FieldInput {...props} />
      </fieldset>
    );
  }
  return (
    <div className={className}>
      <label htmlFor={id} id={props.labelId}>
        <Label field={field} />
      </label>
      {hint}
      {errorText}
      <FieldInput {...props} />
    </div>
  );
}

/**
 * One level of fields. `body` (when the collection keeps its markdown body apart) is given
 * separately, so the field shows where the starter declares it but edits the item's body.
 */
export function FieldList({
  fields,
  values,
  onChange,
  prefix,
  body,
}: {
  fields: StarterField[];
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  prefix: string;
  body?: { value: string; onChange: (body: string) => void } | undefined;
}) {
  const siblingLabel = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
  const siblings = body ? { ...values, body: body.value } : values;
  return (
    <>
      {fields
        .filter((f) => f.widget !== "hidden")
        .map((f) => {
          const path = joinPath(prefix, f.name);
          const isBody = Boolean(body) && !prefix && f.name === "body";
          return (
            <FieldRow
              key={f.name}
              field={f}
              path={path}
              name={isBody ? "body" : `f.${path}`}
              value={isBody ? body?.value : values[f.name]}
              onChange={(v) => {
                if (isBody) body?.onChange(typeof v === "string" ? v : "");
                else onChange({ ...values, [f.name]: v });
              }}
              siblings={siblings}
              siblingLabel={siblingLabel}
            />
          );
        })}
    </>
  );
}

/** An object field: its own fields, nested in a fieldset. */
export function ObjectInput({ field, path, value, onChange }: WidgetProps) {
  const values = isPlainObject(value) ? value : {};
  return (
    <div className="object-fields">
      <FieldList fields={field.fields ?? []} values={values} onChange={onChange} prefix={path} />
    </div>
  );
}

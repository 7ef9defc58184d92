// One widget per starter `widget`. The simple ones (text, choices, yes/no, site names) are
// here; relations, hierarchical selects, menus, markdown and objects have their own modules.
import { useState } from "react";
import { useRevalidator } from "react-router";
import type { StarterField } from "#schemas/starter";
import { isCrossSite, optionsOf } from "../../lib/content-values.ts";
import { MediaUploader } from "../media/uploader.tsx";
import { useEditorEnv } from "./editor-context.ts";
import { ObjectInput, type WidgetProps } from "./field-list.tsx";
import { HierarchyInput } from "./hierarchy-input.tsx";
import { MarkdownInput } from "./markdown-input.tsx";
import { MenuInput } from "./menu-input.tsx";
import { RelationInput } from "./relation-input.tsx";

/** Widgets with several controls: labelled by a legend around them, not a label. */
export function isGroupWidget(field: StarterField): boolean {
  return (
    field.widget === "object" ||
    field.widget === "menu" ||
    field.widget === "hierarchical-select" ||
    (field.widget === "select" && Boolean(field.multiple)) ||
    (field.widget === "relation" && !isCrossSite(field))
  );
}

const asText = (value: unknown) =>
  typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);

function controlProps(p: WidgetProps) {
  return {
    id: p.id,
    name: p.name,
    disabled: p.disabled,
    "aria-describedby": p.describedBy,
    "aria-invalid": p.invalid ? true : undefined,
    "aria-required": p.field.required ? true : undefined,
  };
}

function StringInput(p: WidgetProps) {
  return (
    <input
      type="text"
      {...controlProps(p)}
      value={asText(p.value)}
      onChange={(e) => p.onChange(e.target.value)}
    />
  );
}

function TextInput(p: WidgetProps) {
  return (
    <textarea
      {...controlProps(p)}
      className="plain-text"
      rows={4}
      value={asText(p.value)}
      onChange={(e) => p.onChange(e.target.value)}
    />
  );
}

/**
 * The file's path, and (with scripts, for a saved item without a file, or whose imported file
 * is missing) an uploader that gives this item its file through the media library; the page
 * then reloads the item, which has a new version.
 */
function FileInput(p: WidgetProps) {
  const env = useEditorEnv();
  const revalidator = useRevalidator();
  const canUpload =
    env.hydrated && env.media && env.selfUid && (asText(p.value) === "" || env.fileMissing);
  return (
    <>
      <input
        type="text"
        {...controlProps(p)}
        spellCheck={false}
        autoCapitalize="none"
        placeholder="/courses/…/file.pdf"
        value={asText(p.value)}
        onChange={(e) => p.onChange(e.target.value)}
      />
      {canUpload && env.media && env.selfUid ? (
        <MediaUploader
          tenantId={env.media.tenantId}
          siteId={env.media.siteId}
          resourceUid={env.selfUid}
          onFinished={() => revalidator.revalidate()}
        />
      ) : null}
    </>
  );
}

function SelectInput(p: WidgetProps) {
  const options = optionsOf(p.field);
  if (p.field.multiple) {
    const chosen = new Set(Array.isArray(p.value) ? p.value.map(String) : []);
    const toggle = (value: string, on: boolean) => {
      // Kept in the options' order, so the saved list does not depend on click order.
      p.onChange(options.map((o) => o.value).filter((v) => (v === value ? on : chosen.has(v))));
    };
    const { min, max } = p.field;
    return (
      <>
        {min !== undefined || max !== undefined ? (
          <p className="field-hint">
            {min !== undefined && max !== undefined
              ? `Choose ${min} to ${max}.`
              : min !== undefined
                ? `Choose at least ${min}.`
                : `Choose at most ${max}.`}
          </p>
        ) : null}
        <div className="check-grid">
          {options.map((o, i) => (
            <label key={o.value} className="check-option">
              <input
                type="checkbox"
                id={i === 0 ? `${p.id}-first` : undefined}
                name={p.name}
                value={o.value}
                disabled={p.disabled}
                checked={chosen.has(o.value)}
                onChange={(e) => toggle(o.value, e.target.checked)}
              />
              {o.label}
            </label>
          ))}
        </div>
      </>
    );
  }
  const value = asText(p.value);
  const known = options.some((o) => o.value === value);
  return (
    <select {...controlProps(p)} value={value} onChange={(e) => p.onChange(e.target.value)}>
      <option value="">{p.field.required ? "Choose…" : "(none)"}</option>
      {/* A stored value the starter no longer offers stays visible instead of being dropped. */}
      {!known && value ? <option value={value}>{value} (not an option any more)</option> : null}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function BooleanInput(p: WidgetProps) {
  return (
    <input
      type="checkbox"
      {...controlProps(p)}
      value="true"
      checked={p.value === true}
      onChange={(e) => p.onChange(e.target.checked)}
    />
  );
}

/** Names of other sites, one a line (the text is kept as typed; the value drops blank lines). */
function SiteListInput(p: WidgetProps) {
  const [text, setText] = useState(() => (Array.isArray(p.value) ? p.value.join("\n") : ""));
  return (
    <textarea
      {...controlProps(p)}
      className="plain-text"
      rows={Math.max(3, text.split("\n").length + 1)}
      spellCheck={false}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        p.onChange(
          e.target.value
            .split("\n")
            .map((s) => s.trim())
            .filter(Boolean),
        );
      }}
    />
  );
}

export function FieldInput(p: WidgetProps) {
  switch (p.field.widget) {
    case "string":
      return <StringInput {...p} />;
    case "text":
      return <TextInput {...p} />;
    case "file":
      return <FileInput {...p} />;
    case "markdown":
      return <MarkdownInput {...p} />;
    case "select":
      return <SelectInput {...p} />;
    case "boolean":
      return <BooleanInput {...p} />;
    case "object":
      return <ObjectInput {...p} />;
    case "relation":
      return <RelationInput {...p} />;
    case "hierarchical-select":
      return <HierarchyInput {...p} />;
    case "menu":
      return <MenuInput {...p} />;
    case "website-collection":
      return <SiteListInput {...p} />;
    case "hidden":
      return null;
  }
}

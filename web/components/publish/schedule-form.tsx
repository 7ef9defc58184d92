// Schedule a live publish or an unpublish. The date-time input shows the viewer's local time;
// once JavaScript runs, the submit adds that moment as ISO with the zone's offset. Without
// JavaScript the value is read as UTC, and the hint says so.
import { useRef } from "react";
import { Form } from "react-router";
import { useHydrated } from "../../lib/use-hydrated.ts";
import {
  ErrorSummary,
  FormScope,
  SelectField,
  TextField,
  useClientValidation,
} from "../form-fields.tsx";
import { localToIso, scheduleForm } from "./forms.ts";

export function ScheduleForm({
  failure,
}: {
  failure: {
    fieldErrors: Record<string, string>;
    formError: string | null;
    values: Record<string, string>;
  } | null;
}) {
  const hydrated = useHydrated();
  const validation = useClientValidation(scheduleForm);
  const iso = useRef<HTMLInputElement>(null);
  const errors = validation.clientErrors ?? failure?.fieldErrors;
  const zone = hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone : null;

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    const local = new FormData(event.currentTarget).get("runAt");
    if (iso.current) iso.current.value = typeof local === "string" ? (localToIso(local) ?? "") : "";
    validation.onSubmit(event);
  };

  return (
    <>
      <ErrorSummary
        id="schedule"
        errors={errors}
        formError={validation.clientErrors ? null : failure?.formError}
        labels={scheduleForm.labels}
      />
      <Form method="post" noValidate onSubmit={onSubmit} className="inline-fields">
        <input type="hidden" name="intent" value="schedule" />
        <input type="hidden" name="runAtIso" ref={iso} defaultValue="" />
        <FormScope id="schedule" errors={errors} values={failure?.values}>
          <SelectField
            name="action"
            label="Action"
            options={[
              { value: "publish", label: "Publish live" },
              { value: "unpublish", label: "Unpublish" },
            ]}
          />
          <TextField
            name="runAt"
            label="Date and time"
            type="datetime-local"
            hint={zone ? `In your time zone (${zone}).` : "In UTC."}
          />
        </FormScope>
        <button type="submit" className="button">
          Schedule
        </button>
      </Form>
    </>
  );
}

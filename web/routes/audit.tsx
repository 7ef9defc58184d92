import { Form, Link } from "react-router";
import {
  ErrorSummary,
  FormScope,
  SelectField,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import { auditFilterForm } from "../lib/forms.ts";
import type { Route } from "./+types/audit";

export { loader } from "./audit.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Audit log", loaderData?.tenant.name);

const knownActions = [
  "tenant.created",
  "tenant.updated",
  "member.invited",
  "invitation.revoked",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "token.created",
  "token.revoked",
];

const targetTypes = [
  { value: "", label: "Any" },
  { value: "tenant", label: "Tenant" },
  { value: "member", label: "Member" },
  { value: "invitation", label: "Invitation" },
  { value: "token", label: "API token" },
];

function Details({ data }: { data: Record<string, unknown> | null }) {
  if (!data) return null;
  const entries = Object.entries(data).filter(([, v]) => v !== null && v !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl className="event-data">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function Audit({ loaderData }: Route.ComponentProps) {
  const { tenant, filters, fieldErrors, events, nextCursor } = loaderData;
  const paged = "paged" in loaderData && loaderData.paged;
  const { clientErrors, onSubmit } = useClientValidation(auditFilterForm);
  const errors = clientErrors ?? fieldErrors;
  const filtered = Object.keys(filters).length > 0;
  const withFilters = (extra: Record<string, string>) =>
    `?${new URLSearchParams({ ...filters, ...extra })}`;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Audit log</h1>
        <p className="muted">Every change in this tenant, newest first. Times are in UTC.</p>
      </div>

      <section className="panel" aria-labelledby="filter-title">
        <h2 id="filter-title">Filter</h2>
        <ErrorSummary id="filter" errors={errors} labels={auditFilterForm.labels} />
        <Form method="get" noValidate onSubmit={onSubmit} className="filter-form">
          <FormScope id="filter" errors={errors} values={filters}>
            <TextField
              name="action"
              label="Action"
              list="audit-actions"
              placeholder="member.invited"
              spellCheck={false}
              autoCapitalize="none"
            />
            <TextField
              name="actor"
              label="Actor"
              placeholder="Email or user id"
              spellCheck={false}
              autoCapitalize="none"
            />
            <SelectField name="targetType" label="Target type" options={targetTypes} />
            <TextField name="since" label="From" type="date" />
            <TextField name="until" label="To" type="date" />
          </FormScope>
          <datalist id="audit-actions">
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <div className="filter-actions">
            <button type="submit" className="button primary">
              Apply filters
            </button>
            {filtered ? (
              <Link to="?" className="button">
                Clear
              </Link>
            ) : null}
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="events-title">
        <h2 id="events-title">{filtered ? "Matching events" : "Events"}</h2>
        {events.length === 0 ? (
          <p className="muted">
            {fieldErrors
              ? "Correct the filters above to see events."
              : filtered
                ? "No events match these filters."
                : "Nothing has happened yet."}
          </p>
        ) : (
          <table className="data-table audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td data-label="Time" className="nowrap">
                    {formatDateTime(e.createdAt)}
                  </td>
                  <th scope="row" data-label="Action">
                    <code>{e.action}</code>
                  </th>
                  <td data-label="Actor">
                    {e.actorEmail ?? e.actorUserId ?? (
                      <span className="muted">
                        {e.action === "member.joined" ? "Invitation link" : "Not signed in"}
                      </span>
                    )}
                    {e.actorTokenId ? (
                      <span className="muted small"> via token {e.actorTokenId}</span>
                    ) : null}
                  </td>
                  <td data-label="Target">
                    {e.targetType}
                    {e.targetId ? <code className="target-id">{e.targetId}</code> : null}
                  </td>
                  <td data-label="Details">
                    <Details data={e.data} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Audit log pages">
            {paged ? <Link to={withFilters({})}>Newest</Link> : null}
            {nextCursor ? <Link to={withFilters({ cursor: nextCursor })}>Older</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

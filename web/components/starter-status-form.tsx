import { Form } from "react-router";

/** Activate or deactivate a starter: one button that says what it will do. */
export function StarterStatusForm({
  starter,
}: {
  starter: { id: string; name: string; status: "active" | "inactive" };
}) {
  const next = starter.status === "active" ? "inactive" : "active";
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="starterId" value={starter.id} />
      <input type="hidden" name="status" value={next} />
      <button
        type="submit"
        className={next === "inactive" ? "button small subtle-danger" : "button small"}
      >
        {next === "active" ? "Activate" : "Deactivate"}
        <span className="visually-hidden"> {starter.name}</span>
      </button>
    </Form>
  );
}

export function StarterStatusTag({ status }: { status: "active" | "inactive" }) {
  return status === "active" ? (
    <span className="tag tag-active">Active</span>
  ) : (
    <span className="tag tag-warn">Inactive</span>
  );
}

import { Link } from "react-router";

export function Brand() {
  return (
    <Link to="/" className="brand">
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path d="M3 5.5C5.5 4 8.5 4 12 6c3.5-2 6.5-2 9-.5V19c-2.5-1.5-5.5-1.5-9 .5-3.5-2-6.5-2-9-.5z" />
        <path d="M12 6v13.5" />
      </svg>
      <span>Lectern</span>
    </Link>
  );
}

import { useState } from "react";
import { useAdminKey } from "../hooks/useAdminKey";

/** Where the operator pastes the admin key: the dashboard's stats and dead letters need it on a deployment. */
export function AdminKeyForm() {
  const [adminKey, setAdminKey] = useAdminKey();
  const [draftKey, setDraftKey] = useState("");
  if (adminKey)
    return (
      <span className="admin">
        Admin key set
        <button type="button" className="link-button" onClick={() => setAdminKey("")}>
          Forget
        </button>
      </span>
    );
  return (
    <form
      className="admin"
      onSubmit={(e) => {
        e.preventDefault();
        setAdminKey(draftKey);
        setDraftKey("");
      }}
    >
      <input type="password" placeholder="Admin key" aria-label="Admin key" value={draftKey} onChange={(e) => setDraftKey(e.target.value)} autoComplete="off" />
      <button type="submit" disabled={!draftKey.trim()}>
        Use key
      </button>
    </form>
  );
}

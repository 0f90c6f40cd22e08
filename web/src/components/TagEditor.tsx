/**
 * The history screen's tag editor: remove and add tags of a tagged document and save them (PUT on the
 * history document). Saved edits are listed below; docmill learns from them (docs/tagging.md).
 */
import { useEffect, useState } from "react";
import { saveDocumentTags, type EditedDocument, type TagEdit } from "../api/vocabularies";
import { ErrorText, formatDate } from "./ui";

export function TagEditor({ docId, tags: initial, edits: initialEdits, editable, onSaved }: { docId: string; tags: string[]; edits: TagEdit[]; editable: boolean; onSaved?: (d: EditedDocument) => void }) {
  const [tags, setTags] = useState(initial);
  const [edits, setEdits] = useState(initialEdits);
  const [add, setAdd] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setTags(initial);
    setEdits(initialEdits);
  }, [docId, initial, initialEdits]);
  const changed = tags.join("\n") !== initial.join("\n");

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const d = await saveDocumentTags(docId, tags);
      setEdits(d.tag_edits);
      onSaved?.(d);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <ul className="tags" aria-label="Tags" data-testid="history-tags">
        {tags.map((t, i) => (
          <li key={`${t}-${i}`} className="tag">
            {t}
            {editable && (
              <>
                {" "}
                <button type="button" className="link" aria-label={`Remove tag ${t}`} onClick={() => setTags(tags.filter((_, j) => j !== i))}>
                  ×
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form
          className="actions"
          onSubmit={(e) => {
            e.preventDefault();
            const t = add.trim();
            if (t && !tags.some((x) => x.toLowerCase() === t.toLowerCase())) setTags([...tags, t]);
            setAdd("");
          }}
        >
          <label htmlFor="history-add-tag" className="sr-only">
            Add a tag
          </label>
          <input id="history-add-tag" value={add} onChange={(e) => setAdd(e.target.value)} placeholder="add a tag" />
          <button type="submit" className="secondary">
            Add
          </button>
          <button type="button" disabled={!changed || busy} onClick={() => void save()}>
            {busy ? "Saving…" : "Save tags"}
          </button>
        </form>
      )}
      <ErrorText error={error} />
      {edits.length > 0 && (
        <>
          <h3>Tag edits</h3>
          <ul className="edits" aria-label="Tag edits">
            {edits.map((e) => (
              <li key={e.id}>
                {formatDate(e.at)}: {e.added.length > 0 && <span>added {e.added.join(", ")}</span>}
                {e.added.length > 0 && e.removed.length > 0 && "; "}
                {e.removed.length > 0 && <span>removed {e.removed.join(", ")}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

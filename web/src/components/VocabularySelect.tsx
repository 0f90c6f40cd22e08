/** The vocabulary option of the single and batch screens: none, or one of the vocabularies the user may use. */
import { useEffect, useState } from "react";
import { listVocabularies, type VocabularySummary } from "../api/vocabularies";

export function VocabularySelect({ id, value, onChange, error }: { id: string; value: string; onChange: (v: string) => void; error?: string }) {
  const [list, setList] = useState<VocabularySummary[] | null>(null);
  useEffect(() => {
    // A failed list leaves only "none": tagging still works without a vocabulary.
    listVocabularies().then((r) => setList(r.vocabularies), () => setList([]));
  }, []);
  return (
    <div className="field">
      <label htmlFor={id}>Controlled vocabulary</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}>
        <option value="">None (free tags)</option>
        {(list ?? []).map((v) => (
          <option key={v.id} value={v.id}>
            {v.name} ({v.scope === "instance" ? "everyone" : "yours"}, {v.concept_count} terms)
          </option>
        ))}
      </select>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

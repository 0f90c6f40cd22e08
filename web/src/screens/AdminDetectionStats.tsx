/**
 * Detection statistics from real reviews: precision per label and per recogniser, and the terms
 * reviewers reject again and again, each with a button that adds it to the default configuration's
 * exclusions. The terms are document text: this screen is for admins only.
 */
import { useState } from "react";
import { detectionStats, excludeTerm, type DetectionStats, type PrecisionRow } from "../api/insights";
import { ACTIONS_HEADING, EmptyRow, Table } from "../components/Table";
import { ErrorText, formatDate } from "../components/ui";
import { useLoader } from "../hooks/useLoader";
import { useScreenTitle } from "../router";

const pct = (p: number | null) => (p === null ? "—" : `${Math.round(p * 1000) / 10} %`);

function PrecisionTable({ caption, rows }: { caption: string; rows: PrecisionRow[] }) {
  return (
    <div className="panel">
      <h2>{caption}</h2>
      <Table columns={[caption.replace(/^By /, "").replace(/^./, (c) => c.toUpperCase()), "Kept", "Rejected", "Precision"]}>
        {rows.map((r) => (
          <tr key={r.key} data-precision-key={r.key}>
            <td>
              <code>{r.key}</code>
            </td>
            <td>{r.accepted}</td>
            <td>{r.rejected}</td>
            <td>{pct(r.precision)}</td>
          </tr>
        ))}
        {rows.length === 0 && <EmptyRow colSpan={4}>No reviews yet.</EmptyRow>}
      </Table>
    </div>
  );
}

export default function AdminDetectionStats() {
  useScreenTitle("Detection statistics");
  const [stats, setStats] = useState<DetectionStats | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { reload, error, setError } = useLoader(async () => setStats(await detectionStats()));

  async function exclude(term: string) {
    setError(null);
    setDone(null);
    try {
      const r = await excludeTerm(term);
      setDone(r.alreadyExcluded ? "The term was already excluded." : `Excluded from new jobs (${r.rejections} rejections, label ${r.label}).`);
      await reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Detection statistics</h1>
      <ErrorText error={error} />
      {stats && (
        <>
          <div className="panel" aria-label="Summary">
            <p>
              <strong data-testid="reviews">{stats.reviews}</strong> reviews, {stats.findings} findings reviewed: {stats.accepted} kept, {stats.rejected} rejected,{" "}
              {stats.manualAreas} areas drawn by hand. Overall precision <strong>{pct(stats.precision)}</strong>.
            </p>
          </div>
          <div className="panel">
            <h2>Terms rejected again and again</h2>
            <p className="muted">Finding texts reviewers rejected in two or more jobs. Excluding one stops the default configuration from finding it in new jobs.</p>
            {done && (
              <p role="status" className="ok-text">
                {done}
              </p>
            )}
            <Table columns={["Term", "Labels", "Rejected", "Jobs", "Kept elsewhere", "Last rejected", ACTIONS_HEADING]}>
              {stats.rejectedTerms.map((t) => (
                <tr key={t.term} data-term={t.term}>
                  <td>
                    <code>{t.term}</code>
                  </td>
                  <td>{t.labels.join(", ")}</td>
                  <td>{t.rejections}</td>
                  <td>{t.jobs}</td>
                  <td>{t.accepted}</td>
                  <td>{formatDate(t.lastRejectedAt)}</td>
                  <td>
                    {t.excluded ? (
                      <span className="badge ok">Excluded</span>
                    ) : (
                      <button type="button" className="small" onClick={() => void exclude(t.term)}>
                        Exclude<span className="sr-only"> {t.term}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {stats.rejectedTerms.length === 0 && <EmptyRow colSpan={7}>No term was rejected in more than one job.</EmptyRow>}
            </Table>
          </div>
          <PrecisionTable caption="By label" rows={stats.byLabel} />
          <PrecisionTable caption="By recogniser" rows={stats.byRecognizer} />
        </>
      )}
    </section>
  );
}

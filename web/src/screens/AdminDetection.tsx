/** Default detection configuration: score threshold, labels, languages, keyword exclusions. */
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { createConfig, listConfigs, setDefaultConfig, updateConfig, type DetectionConfiguration } from "../api/redaction";
import { ErrorText, Field, fieldError } from "../components/ui";
import { useScreenTitle } from "../router";

const LANGS = ["en", "de", "fr", "it", "es", "pt", "nl"];

export default function AdminDetection() {
  useScreenTitle("Detection settings");
  const [current, setCurrent] = useState<DetectionConfiguration | null>(null);
  const [threshold, setThreshold] = useState(0.5);
  const [labels, setLabels] = useState("");
  const [languages, setLanguages] = useState<string[]>(["en"]);
  const [exclusions, setExclusions] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [saved, setSaved] = useState("");

  useEffect(() => {
    listConfigs().then(
      (items) => {
        const def = items.find((c) => c.isDefault) ?? items[0] ?? null;
        setCurrent(def);
        if (def) {
          const c = def.configuration as { scoreThreshold?: number; labels?: string[]; languages?: string[]; keywordExclusions?: Array<{ excludedKeywords?: string[] }> };
          setThreshold(c.scoreThreshold ?? 0.5);
          setLabels((c.labels ?? []).join(", "));
          setLanguages(c.languages?.length ? c.languages : ["en"]);
          setExclusions((c.keywordExclusions ?? []).flatMap((k) => k.excludedKeywords ?? []).join("\n"));
        }
      },
      (err) => {
        if (err instanceof ApiError && err.status === 404) setMissing(true);
        else setError(err);
      },
    );
  }, []);

  async function save() {
    setError(null);
    setSaved("");
    const words = exclusions
      .split(/[\n,]/)
      .map((w) => w.trim())
      .filter(Boolean);
    const configuration = {
      ...(current?.configuration ?? {}),
      scoreThreshold: threshold,
      labels: labels
        .split(",")
        .map((l) => l.trim().toUpperCase())
        .filter(Boolean),
      languages,
      keywordExclusions: words.length ? [{ name: "admin-default", excludedKeywords: words, partialMatch: false }] : [],
    };
    try {
      if (current) {
        await updateConfig(current.id, { name: current.name, description: current.description, configuration });
        if (!current.isDefault) await setDefaultConfig(current.id);
      } else {
        const created = await createConfig({ name: "Default", description: "Set in the web app", isDefault: true, configuration });
        setCurrent(created);
      }
      setSaved("Saved. New redaction jobs use these settings.");
    } catch (err) {
      setError(err);
    }
  }

  if (missing) {
    return (
      <section>
        <h1 tabIndex={-1}>Detection settings</h1>
        <p>This server does not offer detection configurations (no /v1/detection-configurations).</p>
      </section>
    );
  }

  return (
    <section>
      <h1 tabIndex={-1}>Detection settings</h1>
      <div className="panel">
        <p className="muted">The default configuration applies to every new redaction job.</p>
        <Field label={`Minimum score: ${threshold.toFixed(2)}`} hint="Detections below this confidence are not shown." error={fieldError(error, "scoreThreshold", "configuration.scoreThreshold")}>
          {(p) => <input {...p} type="range" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} />}
        </Field>
        <Field label="Entity types" hint="Comma separated, e.g. PERSON, EMAIL_ADDRESS. Empty: all types." error={fieldError(error, "labels", "configuration.labels")}>
          {(p) => <input {...p} value={labels} onChange={(e) => setLabels(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>Languages</legend>
          <div className="actions">
            {LANGS.map((l) => (
              <label key={l}>
                <input type="checkbox" checked={languages.includes(l)} onChange={(e) => setLanguages(e.target.checked ? [...languages, l] : languages.filter((x) => x !== l))} /> {l}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Never redact these words" hint="One per line; matched case-insensitively against the whole detection.">
          {(p) => <textarea {...p} value={exclusions} onChange={(e) => setExclusions(e.target.value)} />}
        </Field>
        <ErrorText error={error} />
        {saved && (
          <p role="status" className="ok-text">
            {saved}
          </p>
        )}
        <button type="button" onClick={() => void save()}>
          Save default
        </button>
      </div>
    </section>
  );
}

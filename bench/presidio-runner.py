"""Presidio side by side for bench/redaction-quality.ts: reads JSON lines {"id", "text"} on stdin and
writes JSON lines {"id", "entities": [{"type", "start", "end", "score"}]} on stdout. Default recognisers,
English NLP model (spaCy small), score threshold 0.35 as Presidio's docs suggest for recall."""
import json
import sys

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

model = sys.argv[1] if len(sys.argv) > 1 else "en_core_web_sm"
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
for line in sys.stdin:
    item = json.loads(line)
    results = analyzer.analyze(text=item["text"], language="en", score_threshold=0.35)
    out = [{"type": r.entity_type, "start": r.start, "end": r.end, "score": r.score} for r in results]
    sys.stdout.write(json.dumps({"id": item["id"], "entities": out}) + "\n")
    sys.stdout.flush()

/** The review draft of one job (web/src/review/draft.ts), kept in sessionStorage so a reload loses nothing undecided. */
import { useCallback, useEffect, useReducer } from "react";
import { draftKey, draftReducer, parseDraft, type Draft, type DraftAction } from "../review/draft";

function read(jobId: string): Draft {
  try {
    return parseDraft(sessionStorage.getItem(draftKey(jobId)));
  } catch {
    return parseDraft(null);
  }
}

export function useReviewDraft(jobId: string): { draft: Draft; dispatch: (a: DraftAction) => void; discard: () => void } {
  const [draft, dispatch] = useReducer(draftReducer, jobId, read);
  useEffect(() => {
    sessionStorage.setItem(draftKey(jobId), JSON.stringify(draft));
  }, [draft, jobId]);
  /** After a submit the draft is done with: the stored copy goes (the state follows on the next render). */
  const discard = useCallback(() => sessionStorage.removeItem(draftKey(jobId)), [jobId]);
  return { draft, dispatch, discard };
}

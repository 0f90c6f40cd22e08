import { addressRecognizer } from "./address";
import { creditCardRecognizer } from "./credit-card";
import { dateRecognizer } from "./date";
import { emailRecognizer } from "./email";
import { exposedRecognizer } from "./exposed";
import { ibanRecognizer } from "./iban";
import { ipRecognizer } from "./ip";
import { organisationRecognizer } from "./organisation";
import { personRecognizer } from "./person";
import { phoneRecognizer } from "./phone";
import type { Recognizer } from "./recognizer";
import { ssnRecognizer } from "./ssn";
import { urlRecognizer } from "./url";

export type { Recognizer } from "./recognizer";
export { runKeywordRecognizers, runPatternRecognizers } from "./custom";

/** Every built-in recogniser, in a fixed order (it only breaks exact ties, but keeps output stable). */
export const BUILT_IN_RECOGNIZERS: readonly Recognizer[] = [
  ibanRecognizer,
  creditCardRecognizer,
  emailRecognizer,
  phoneRecognizer,
  ssnRecognizer,
  ipRecognizer,
  urlRecognizer,
  dateRecognizer,
  personRecognizer,
  addressRecognizer,
  organisationRecognizer,
  exposedRecognizer,
];

export {
  addressRecognizer,
  creditCardRecognizer,
  dateRecognizer,
  emailRecognizer,
  exposedRecognizer,
  ibanRecognizer,
  ipRecognizer,
  organisationRecognizer,
  personRecognizer,
  phoneRecognizer,
  ssnRecognizer,
  urlRecognizer,
};

/** A new password typed twice; `mismatch` only once the repeat has been started. */
import { useState } from "react";

export function useNewPassword() {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const mismatch = confirm.length > 0 && confirm !== password;
  return { password, setPassword, confirm, setConfirm, mismatch };
}

export default function RedactJobs(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>RedactJobs</h1>;
}

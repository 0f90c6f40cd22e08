export default function Batch(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>Batch</h1>;
}

export default function History(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>History</h1>;
}

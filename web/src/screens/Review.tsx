export default function Review(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>Review</h1>;
}

export default function AdminKeys(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>AdminKeys</h1>;
}

export default function AdminUsers(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>AdminUsers</h1>;
}

export default function AdminDetection(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>AdminDetection</h1>;
}

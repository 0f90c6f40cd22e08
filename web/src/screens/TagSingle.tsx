export default function TagSingle(_props: Record<string, unknown>) {
  return <h1 tabIndex={-1}>TagSingle</h1>;
}

/** The scrollable table every list screen uses: a header row of column headings, an optional "nothing here" row. */
import type { ReactNode } from "react";

/** Heading of a column of row buttons: named for screen readers only. */
export const ACTIONS_HEADING = <span className="sr-only">Actions</span>;

export function Table({ columns, live, children }: { columns: ReactNode[]; live?: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody aria-live={live ? "polite" : undefined}>{children}</tbody>
      </table>
    </div>
  );
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="muted">
        {children}
      </td>
    </tr>
  );
}

/**
 * The operators' agreement scorecard from the indexer (`/v1/operators/scorecard`, docs/INDEXER.md):
 * per operator, batches and items it signed, challenges upheld against them (duplicate and injection
 * apart), and its self-reversals (upheld duplicate/injection verdicts it co-signed on items it had
 * scored). It has no chain fallback: without an indexer, or while it cannot answer, nothing is shown.
 */
import { useIndexer } from "../../lib/indexer";
import { shortAddress } from "../../lib/format";

export interface ScorecardRow {
  address: string;
  batchesSigned: number;
  itemsScored: number;
  challenged: number;
  upheld: number;
  upheldByReason: Record<string, number>;
  rejected: number;
  verdictsSigned: number;
  selfReversals: number;
}

/** Operators listed (the contract caps the set well below this). */
const OPERATORS_LISTED = 100;

export function OperatorScorecard() {
  const scorecard = useIndexer<{ items: ScorecardRow[] }>(`/v1/operators/scorecard?limit=${OPERATORS_LISTED}`);
  const rows = scorecard.data?.items;
  if (rows === undefined || rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="scorecard-title">
      <h2 id="scorecard-title">Operator scorecard</h2>
      <p className="muted small">
        Challenges upheld against the items each operator signed, and self-reversals: upheld duplicate or injection verdicts the operator co-signed on an item it had
        scored.
      </p>
      {/* Wider than a phone: the wrapper scrolls, so it takes focus for keyboard users (axe: scrollable-region-focusable). */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Operator scorecard table">
        <table>
          <thead>
            <tr>
              <th scope="col">Operator</th>
              <th scope="col">Batches</th>
              <th scope="col">Items</th>
              <th scope="col">Upheld against (duplicate / injection)</th>
              <th scope="col">Self-reversals</th>
            </tr>
          </thead>
          <tbody data-testid="scorecard">
            {rows.map((row) => (
              <tr key={row.address}>
                <td className="mono" title={row.address}>
                  {shortAddress(row.address)}
                </td>
                <td>{row.batchesSigned}</td>
                <td>{row.itemsScored}</td>
                <td>
                  {row.upheld} ({row.upheldByReason.duplicate ?? 0} / {row.upheldByReason.injection ?? 0})
                </td>
                <td>{row.selfReversals > 0 ? <span className="badge warn">{row.selfReversals}</span> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

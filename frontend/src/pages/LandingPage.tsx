import { useAccountState, useChainTime, useEpoch } from "../hooks/useChain";
import { formatDuration, formatTokens } from "../lib/format";

/** What CashKey is, what it pays for and how; it leads to connecting a wallet, then to Submit. */
export default function LandingPage() {
  const { connected } = useAccountState();
  const epoch = useEpoch().data;
  const now = useChainTime().data;
  return (
    <div className="landing" data-testid="landing">
      <h1>Get paid in CKEY for useful information</h1>
      <p className="lead">
        CashKey rewards people who write or share information worth reading: measurements, guides, research notes, news with sources. Independent oracle operators score
        every submission in the open, and each epoch&apos;s CKEY budget is shared by the points earned in it.
      </p>
      {epoch && (
        <p className="notice" data-testid="landing-epoch">
          Epoch {epoch.current} pays <strong>{formatTokens(epoch.budget)} CKEY</strong>, shared by the points earned in it
          {now !== undefined && epoch.closesAt > now ? <>; it closes in {formatDuration(epoch.closesAt - now)}</> : null}.
        </p>
      )}
      <section className="card" aria-labelledby="pays-title">
        <h2 id="pays-title">What it pays for</h2>
        <ul>
          <li>
            <strong>Substance and evidence:</strong> concrete facts, numbers with units, dates, named sources.
          </li>
          <li>
            <strong>Originality:</strong> your own words. Copies, spam, link farms and text aimed at the scorer earn nothing.
          </li>
          <li>
            <strong>Quality over volume:</strong> points grow with the square of the score above 40, so one good note beats ten thin ones.
          </li>
        </ul>
      </section>
      <section className="card" aria-labelledby="how-title">
        <h2 id="how-title">How it works</h2>
        <ol className="steps">
          <li>
            <strong>Connect</strong> a wallet, or create a CashKey wallet in this browser: no extension and no ETH needed, the oracle&apos;s relayer can pay the gas for
            submitting and claiming.
          </li>
          <li>
            <strong>Submit</strong> your text. Only its hash goes on-chain; the text goes to the oracle operators.
          </li>
          <li>
            <strong>Get scored:</strong> operators score it 0–100 with a published rubric and sign the result; you can check every explanation against the chain.
          </li>
          <li>
            <strong>Claim</strong> your CKEY once the epoch closes. Stake CKEY for more submissions per epoch, and vote on every parameter.
          </li>
        </ol>
      </section>
      <p className="cta">
        {connected ? (
          <a className="button" href="#/submit">
            Submit something
          </a>
        ) : (
          <>
            <strong>Connect a wallet at the top of the page to start</strong>, then <a href="#/submit">submit something</a>.
          </>
        )}{" "}
        <a href="#/submissions">How scoring works</a>
      </p>
    </div>
  );
}

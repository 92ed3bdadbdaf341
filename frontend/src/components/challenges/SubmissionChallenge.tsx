import { useId, useState } from "react";
import { useRuntimeConfig } from "../../config/context";
import { challengesAbi } from "../../generated/abis";
import { useAccountState, useChainQuery } from "../../hooks/useChain";
import { useChainChallenge, useChallengesAddress, useIndexedChallenges } from "../../hooks/useChallenges";
import { useTransaction } from "../../hooks/useTransaction";
import { type IndexedChallenge, MAX_REASON_CHARS, REASONS, STATUSES, reasonHash, sendChallengeText } from "../../lib/challenges";
import { formatTimestamp, formatTokens, shortAddress } from "../../lib/format";
import { TxStatus } from "../TxStatus";
import { ChallengeActions } from "./ChallengeActions";

/**
 * On the author's own submission: the challenge in progress on it (found in the indexer's list of the
 * author's active challenges, or with `openChallengeOf` without an indexer; its state read from the
 * chain), and the author's answer: free, its hash on-chain, its text to the nodes. The author's money is at stake only if it escalates an upheld verdict.
 */
export function SubmissionChallenge({ submissionId }: { submissionId: bigint }) {
  const contract = useChallengesAddress();
  const { address } = useAccountState();
  // One shared indexer query for all of the author's rows (react-query dedupes the key); the chain, item by
  // item, only when there is no indexer or it does not answer.
  const listed = useIndexedChallenges<{ items: IndexedChallenge[] }>(
    contract && address ? `/v1/challenges?author=${address.toLowerCase()}&status=active&limit=100` : undefined,
  );
  const fromChain = useChainQuery(
    ["open-challenge-of", contract, submissionId.toString()],
    (client) => client.readContract({ address: contract!, abi: challengesAbi, functionName: "openChallengeOf", args: [submissionId] }),
    contract !== undefined && (!listed.configured || listed.isError),
  ).data;
  const fromIndexer = listed.data?.items.find((c) => c.submissionId === submissionId.toString());
  const openId = listed.configured && !listed.isError ? (listed.data === undefined ? undefined : fromIndexer ? BigInt(fromIndexer.id) : 0n) : fromChain;
  const stored = useChainChallenge(openId).data;
  const indexed = fromIndexer;
  if (openId === undefined || openId === 0n || stored === undefined) return null;
  const status = STATUSES[Number(stored.status)] ?? "none";
  const reason = REASONS[Number(stored.reason)];
  return (
    <div className="notice warn challenge-on-submission" data-testid={`submission-challenge-${submissionId}`}>
      <p>
        <strong>Challenged</strong> (#{openId.toString()}, {reason?.label.toLowerCase() ?? "other"}) by <span className="mono">{shortAddress(stored.challenger)}</span>{" "}
        with a {formatTokens(stored.bond)} CKEY bond: <span className={`badge challenge-${status}`}>{status}</span>.{" "}
        {status === "open" && (
          <>
            The operators' verdict is due by {formatTimestamp(BigInt(stored.deadline))}. Upheld, the item's {stored.points} points are removed.
          </>
        )}
        {status === "verdict" && (
          <>
            Verdict: {stored.firstUpheld ? "upheld" : "rejected"}; escalation possible until {formatTimestamp(BigInt(stored.deadline))}.
          </>
        )}
        {status === "escalated" && <>Escalated to governance; decision due by {formatTimestamp(BigInt(stored.deadline))}.</>}
      </p>
      {indexed?.answerHash && <p data-testid="challenge-answered">You answered this challenge.</p>}
      {status === "open" && <AnswerForm id={openId} answered={Boolean(indexed?.answerHash)} />}
      <ChallengeActions
        challenge={{
          id: openId.toString(),
          status,
          deadline: String(stored.deadline),
          bond: String(stored.bond),
          verdictUpheld: status === "open" ? null : stored.firstUpheld,
          author: stored.author,
          challenger: stored.challenger,
        }}
      />
    </div>
  );
}

function AnswerForm({ id, answered }: { id: bigint; answered: boolean }) {
  const runtime = useRuntimeConfig();
  const contract = useChallengesAddress()!;
  const tx = useTransaction();
  const fieldId = useId();
  const [text, setText] = useState("");
  const [sent, setSent] = useState<string | undefined>();
  const trimmed = text.trim();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (trimmed === "" || trimmed.length > MAX_REASON_CHARS) return;
        const receipt = await tx.send(
          "Answer challenge",
          { address: contract, abi: challengesAbi, functionName: "answer", args: [id, reasonHash(trimmed)] },
          { summary: `Commit your answer to challenge #${id} (no bond; the operators read it with the challenge).` },
        );
        if (!receipt) return;
        const nodes = runtime.challengeNodeUrls ?? [runtime.oracleUrl];
        setText("");
        setSent(nodes.length === 0 ? "" : "Sending it to the nodes…");
        const accepted = await sendChallengeText(nodes, id, "answer", trimmed);
        setSent(nodes.length === 0 ? "" : `Sent to ${accepted.length} of ${nodes.length} node${nodes.length === 1 ? "" : "s"}.`);
      }}
    >
      <label htmlFor={`${fieldId}-answer`}>{answered ? "Answer again" : "Your answer"}</label>
      <textarea id={`${fieldId}-answer`} rows={2} maxLength={MAX_REASON_CHARS} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={tx.busy || trimmed === ""}>
        Answer
      </button>
      {sent !== undefined && (
        <p role="status" data-testid="answer-sent">
          Answer committed on-chain. {sent}
        </p>
      )}
      <TxStatus tx={tx} />
    </form>
  );
}

import { encodeFunctionData } from "viem";
import { challengesAbi, governorAbi, tokenAbi } from "../../generated/abis";
import { useAccountState, useChainTime } from "../../hooks/useChain";
import { useChallengeAllowance, useChallengesAddress } from "../../hooks/useChallenges";
import { useTransaction } from "../../hooks/useTransaction";
import { useRuntimeConfig } from "../../config/context";
import { type IndexedChallenge, escalator } from "../../lib/challenges";
import { formatTimestamp, formatTokens } from "../../lib/format";
import { TxStatus } from "../TxStatus";

/**
 * What anyone may do with a challenge now: finalize it once its phase has run out; escalate a verdict
 * (the side it went against, before the escalation window ends, bonding twice the challenge's bond);
 * propose governance's decision on an escalated one (a Governor proposal calling `Challenges.decide`).
 */
export function ChallengeActions({
  challenge,
}: {
  challenge: Pick<IndexedChallenge, "id" | "status" | "deadline" | "bond" | "verdictUpheld" | "author" | "challenger">;
}) {
  const runtime = useRuntimeConfig();
  const challenges = useChallengesAddress();
  const { address } = useAccountState();
  const now = useChainTime().data;
  const allowance = useChallengeAllowance(address).data;
  const tx = useTransaction();
  if (challenges === undefined || now === undefined) return null;
  const active = challenge.status === "open" || challenge.status === "verdict" || challenge.status === "escalated";
  if (!active) return null;
  const deadline = BigInt(challenge.deadline);
  const finalizable = now > deadline;
  const escalationBond = BigInt(challenge.bond) * 2n;
  const mayEscalate = challenge.status === "verdict" && !finalizable && address !== undefined && address.toLowerCase() === escalator(challenge).toLowerCase();
  const needsApproval = mayEscalate && (allowance?.allowance ?? 0n) < escalationBond;
  const id = BigInt(challenge.id);
  return (
    <div className="challenge-actions">
      {finalizable && (
        <button
          type="button"
          className="secondary"
          disabled={tx.busy}
          onClick={() =>
            tx.send(
              "Finalize challenge",
              { address: challenges, abi: challengesAbi, functionName: "finalize", args: [id] },
              { summary: `Apply the outcome of challenge #${challenge.id}: its phase ended at ${formatTimestamp(deadline)}.` },
            )
          }
        >
          Finalize #{challenge.id}
        </button>
      )}
      {mayEscalate &&
        (needsApproval ? (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() =>
              tx.send(
                "Approve escalation bond",
                { address: runtime.contracts.token, abi: tokenAbi, functionName: "approve", args: [challenges, escalationBond] },
                { summary: `Allow the Challenges contract to take ${formatTokens(escalationBond)} CKEY, the escalation bond.` },
              )
            }
          >
            Approve {formatTokens(escalationBond)} CKEY to escalate
          </button>
        ) : (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() =>
              tx.send(
                "Escalate challenge",
                { address: challenges, abi: challengesAbi, functionName: "escalate", args: [id] },
                {
                  summary: `Bond ${formatTokens(escalationBond)} CKEY and ask the token holders to decide challenge #${challenge.id} (a Governor proposal calling Challenges.decide). Lose the decision and you lose the bond.`,
                },
              )
            }
          >
            Escalate to governance ({formatTokens(escalationBond)} CKEY)
          </button>
        ))}
      {challenge.status === "escalated" &&
        !finalizable &&
        address !== undefined &&
        ([true, false] as const).map((upheld) => (
          <button
            key={String(upheld)}
            type="button"
            className="secondary"
            disabled={tx.busy}
            onClick={() =>
              tx.send(
                "Propose decision",
                {
                  address: runtime.contracts.governor,
                  abi: governorAbi,
                  functionName: "propose",
                  args: [
                    [challenges],
                    [0n],
                    [encodeFunctionData({ abi: challengesAbi, functionName: "decide", args: [id, upheld] })],
                    decisionDescription(challenge.id, upheld),
                  ],
                },
                {
                  summary: `Propose that the token holders ${upheld ? "uphold" : "reject"} challenge #${challenge.id} (Challenges.decide through the Timelock, before ${formatTimestamp(deadline)}).`,
                },
              )
            }
          >
            Propose: {upheld ? "uphold" : "reject"}
          </button>
        ))}
      <TxStatus tx={tx} />
    </div>
  );
}

/** The proposal's description (its first line is the title the Governance page shows). */
export function decisionDescription(id: string, upheld: boolean): string {
  return `${upheld ? "Uphold" : "Reject"} challenge #${id}\n\nChallenges.decide(${id}, ${upheld}): the token holders' decision on an escalated challenge (docs/CONTRACTS.md, "Challenges").`;
}

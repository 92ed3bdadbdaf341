/**
 * The operator network's records: proposals sent and received, disputed submissions (and those held
 * for review), and per-peer agreement counts. See migration 3.
 */
import type { Database, Statement } from "better-sqlite3";
import { hexValue, idValue, num } from "./values";

export type ProposalRole = "leader" | "follower";
export type ProposalDecision = "signed" | "disputed";

export interface StoredProposal {
  digest: string;
  role: ProposalRole;
  nonce: bigint;
  leader: string;
  /** The proposal as sent on the wire (oracle/src/network/proposal.ts). */
  proposal: unknown;
  decision: ProposalDecision | null;
  createdAt: number;
}

export interface DisputeRecord {
  submissionId: bigint;
  count: number;
  lastReason: string;
  lastDetail: string;
  lastPeer: string;
  held: boolean;
  updatedAt: number;
}

export interface PeerAgreement {
  peer: string;
  role: ProposalRole;
  proposals: number;
  signed: number;
  items: number;
  itemsAgreed: number;
  /** itemsAgreed / items, or null before the first item. */
  rate: number | null;
  updatedAt: number;
}

interface ProposalRow {
  digest: string;
  role: ProposalRole;
  nonce: bigint;
  leader: string;
  proposal: string;
  decision: ProposalDecision | null;
  created_at: bigint;
}

interface DisputeRow {
  submission_id: bigint;
  count: bigint;
  last_reason: string;
  last_detail: string;
  last_peer: string;
  held: bigint;
  updated_at: bigint;
}

interface AgreementRow {
  peer: string;
  role: ProposalRole;
  proposals: bigint;
  signed: bigint;
  items: bigint;
  items_agreed: bigint;
  updated_at: bigint;
}

export class NetworkRepository {
  private readonly upsertProposal: Statement;
  private readonly selectProposal: Statement;
  private readonly selectProposalAnyRole: Statement;
  private readonly pruneProposals: Statement;
  private readonly selectByNonce: Statement;
  private readonly bumpDispute: Statement;
  private readonly selectDispute: Statement;
  private readonly selectHeld: Statement;
  private readonly releaseHeld: Statement;
  private readonly countHeld: Statement;
  private readonly bumpAgreement: Statement;
  private readonly selectAgreements: Statement;
  private readonly selectSync: Statement;
  private readonly upsertSync: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.upsertProposal = db.prepare(
      `INSERT INTO proposals (digest, role, nonce, leader, proposal, decision, created_at, updated_at)
       VALUES (@digest, @role, @nonce, @leader, @proposal, @decision, @now, @now)
       ON CONFLICT (digest, role) DO UPDATE SET decision = coalesce(excluded.decision, decision), updated_at = excluded.updated_at`,
    );
    this.selectProposal = db.prepare("SELECT digest, role, nonce, leader, proposal, decision, created_at FROM proposals WHERE digest = ? AND role = ?");
    this.selectProposalAnyRole = db.prepare("SELECT digest, role, nonce, leader, proposal, decision, created_at FROM proposals WHERE digest = ? ORDER BY role LIMIT 1");
    this.pruneProposals = db.prepare("DELETE FROM proposals WHERE nonce < ?");
    this.selectByNonce = db.prepare("SELECT digest, role, nonce, leader, proposal, decision, created_at FROM proposals WHERE nonce = ? AND role = ? ORDER BY created_at");
    this.bumpDispute = db.prepare(
      `INSERT INTO disputes (submission_id, count, last_reason, last_detail, last_peer, held, updated_at)
       VALUES (@id, 1, @reason, @detail, @peer, CASE WHEN 1 >= @limit THEN 1 ELSE 0 END, @now)
       ON CONFLICT (submission_id) DO UPDATE SET
         count = count + 1, last_reason = excluded.last_reason, last_detail = excluded.last_detail,
         last_peer = excluded.last_peer, held = CASE WHEN count + 1 >= @limit THEN 1 ELSE held END,
         updated_at = excluded.updated_at
       RETURNING submission_id, count, last_reason, last_detail, last_peer, held, updated_at`,
    );
    this.selectDispute = db.prepare("SELECT submission_id, count, last_reason, last_detail, last_peer, held, updated_at FROM disputes WHERE submission_id = ?");
    this.selectHeld = db.prepare(
      "SELECT submission_id, count, last_reason, last_detail, last_peer, held, updated_at FROM disputes WHERE held = 1 ORDER BY submission_id LIMIT ?",
    );
    this.countHeld = db.prepare("SELECT count(*) FROM disputes WHERE held = 1").pluck();
    this.releaseHeld = db.prepare("UPDATE disputes SET held = 0, count = 0, updated_at = ? WHERE submission_id = ? AND held = 1");
    this.bumpAgreement = db.prepare(
      `INSERT INTO peer_agreement (peer, role, proposals, signed, items, items_agreed, updated_at)
       VALUES (@peer, @role, 1, @signed, @items, @agreed, @now)
       ON CONFLICT (peer, role) DO UPDATE SET
         proposals = proposals + 1, signed = signed + excluded.signed, items = items + excluded.items,
         items_agreed = items_agreed + excluded.items_agreed, updated_at = excluded.updated_at`,
    );
    this.selectSync = db.prepare("SELECT next_nonce, block FROM landed_sync WHERE id = 1");
    this.upsertSync = db.prepare(
      `INSERT INTO landed_sync (id, next_nonce, block, updated_at) VALUES (1, @nonce, @block, @now)
       ON CONFLICT (id) DO UPDATE SET next_nonce = excluded.next_nonce, block = excluded.block, updated_at = excluded.updated_at`,
    );
    this.selectAgreements = db.prepare("SELECT peer, role, proposals, signed, items, items_agreed, updated_at FROM peer_agreement ORDER BY peer, role");
  }

  /** Records a proposal (once per digest and role); a later call may only set the decision. */
  saveProposal(input: { digest: string; role: ProposalRole; nonce: bigint; leader: string; proposal: unknown; decision?: ProposalDecision }): void {
    this.upsertProposal.run({
      digest: hexValue("digest", input.digest, 32),
      role: input.role,
      nonce: idValue("nonce", input.nonce, false),
      leader: hexValue("leader", input.leader, 20),
      proposal: JSON.stringify(input.proposal),
      decision: input.decision ?? null,
      now: this.now(),
    });
  }

  /** A proposal by digest: the role given, or either (the leader's copy first). */
  proposal(digest: string, role?: ProposalRole): StoredProposal | undefined {
    const key = hexValue("digest", digest, 32);
    const row = (role === undefined ? this.selectProposalAnyRole.get(key) : this.selectProposal.get(key, role)) as ProposalRow | undefined;
    return row && toProposal(row);
  }

  /** The proposals for `nonce` in `role`, oldest first. */
  proposalsFor(nonce: bigint, role: ProposalRole): StoredProposal[] {
    return (this.selectByNonce.all(idValue("nonce", nonce, false), role) as ProposalRow[]).map(toProposal);
  }

  /** Forgets proposals for nonces below `nonce` (they can no longer land). */
  pruneProposalsBelow(nonce: bigint): number {
    return this.pruneProposals.run(idValue("nonce", nonce, false)).changes;
  }

  /** Counts one more dispute of a submission; it is held once it reaches `limit`. */
  recordDispute(input: { submissionId: bigint; reason: string; detail: string; peer: string; limit: number }): DisputeRecord {
    const row = this.bumpDispute.get({
      id: idValue("submissionId", input.submissionId),
      reason: input.reason,
      detail: input.detail.slice(0, 500),
      peer: hexValue("peer", input.peer, 20),
      limit: input.limit,
      now: this.now(),
    }) as DisputeRow;
    return toDispute(row);
  }

  dispute(submissionId: bigint): DisputeRecord | undefined {
    const row = this.selectDispute.get(idValue("submissionId", submissionId)) as DisputeRow | undefined;
    return row && toDispute(row);
  }

  /** Submissions held for review, ascending by id. */
  held(limit = 1000): DisputeRecord[] {
    return (this.selectHeld.all(limit) as DisputeRow[]).map(toDispute);
  }

  heldCount(): number {
    return num(this.countHeld.get() as bigint);
  }

  isHeld(submissionId: bigint): boolean {
    return this.dispute(submissionId)?.held === true;
  }

  /** Returns a held submission to the batch queue (an operator's decision after review). */
  release(submissionId: bigint): boolean {
    return this.releaseHeld.run(this.now(), idValue("submissionId", submissionId)).changes === 1;
  }

  /** One proposal checked (role 'follower') or answered by a peer (role 'leader'). */
  recordAgreement(input: { peer: string; role: ProposalRole; signed: boolean; items: number; itemsAgreed: number }): void {
    this.bumpAgreement.run({
      peer: hexValue("peer", input.peer, 20),
      role: input.role,
      signed: input.signed ? 1 : 0,
      items: input.items,
      agreed: Math.min(input.itemsAgreed, input.items),
      now: this.now(),
    });
  }

  /** The next batch nonce to record as landed, and the block of the last one recorded. */
  landedSync(): { nextNonce: bigint; block: number } | undefined {
    const row = this.selectSync.get() as { next_nonce: bigint; block: bigint } | undefined;
    return row && { nextNonce: row.next_nonce, block: num(row.block) };
  }

  setLandedSync(nextNonce: bigint, block: number): void {
    this.upsertSync.run({ nonce: idValue("nonce", nextNonce, false), block, now: this.now() });
  }

  agreements(): PeerAgreement[] {
    return (this.selectAgreements.all() as AgreementRow[]).map((row) => {
      const items = num(row.items);
      const itemsAgreed = num(row.items_agreed);
      return {
        peer: row.peer,
        role: row.role,
        proposals: num(row.proposals),
        signed: num(row.signed),
        items,
        itemsAgreed,
        rate: items === 0 ? null : itemsAgreed / items,
        updatedAt: num(row.updated_at),
      };
    });
  }
}

function toProposal(row: ProposalRow): StoredProposal {
  return {
    digest: row.digest,
    role: row.role,
    nonce: row.nonce,
    leader: row.leader,
    proposal: JSON.parse(row.proposal) as unknown,
    decision: row.decision,
    createdAt: num(row.created_at),
  };
}

function toDispute(row: DisputeRow): DisputeRecord {
  return {
    submissionId: row.submission_id,
    count: num(row.count),
    lastReason: row.last_reason,
    lastDetail: row.last_detail,
    lastPeer: row.last_peer,
    held: row.held === 1n,
    updatedAt: num(row.updated_at),
  };
}

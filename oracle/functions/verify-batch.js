// CashKey batch verifier: Chainlink Functions source (docs/FUNCTIONS.md). Runs on every DON node.
// args: [digest, proposalUrl, rewards, rpcUrl, logsFromBlock]. Two HTTP requests: the proposal with
// its contents from an operator, then one JSON-RPC batch (chain id, Submitted logs, max points).
// Returns the 32-byte digest when every check passes, else a short ASCII reason code.
const [digestArg, proposalUrl, rewardsArg, rpcUrl, fromBlock] = args;
const MIN_SCORE = 40;
const BLOCKING = ["empty_content", "content_unavailable", "exact_duplicate", "prompt_injection"];

const RC = [1, 0, 32898, 0, 32906, 2147483648, 2147516416, 2147483648, 32907, 0, 2147483649, 0, 2147516545,
  2147483648, 32777, 2147483648, 138, 0, 136, 0, 2147516425, 0, 2147483658, 0, 2147516555, 0, 139, 2147483648,
  32905, 2147483648, 32771, 2147483648, 32770, 2147483648, 128, 2147483648, 32778, 0, 2147483658, 2147483648,
  2147516545, 2147483648, 32896, 2147483648, 2147483649, 0, 2147516424, 2147483648];
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
function permute(s) {
  const c = new Uint32Array(10), b = new Uint32Array(50);
  for (let r = 0; r < 24; r++) {
    for (let x = 0; x < 10; x++) c[x] = s[x] ^ s[x + 10] ^ s[x + 20] ^ s[x + 30] ^ s[x + 40];
    for (let x = 0; x < 5; x++) {
      const p = ((x + 4) % 5) * 2, n = ((x + 1) % 5) * 2;
      const lo = c[p] ^ ((c[n] << 1) | (c[n + 1] >>> 31)), hi = c[p + 1] ^ ((c[n + 1] << 1) | (c[n] >>> 31));
      for (let y = 0; y < 50; y += 10) { s[y + 2 * x] ^= lo; s[y + 2 * x + 1] ^= hi; }
    }
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) {
      const i = x + 5 * y, j = 2 * (y + 5 * ((2 * x + 3 * y) % 5)), n = ROT[i] % 32;
      let lo = s[2 * i], hi = s[2 * i + 1];
      if (ROT[i] >= 32) [lo, hi] = [hi, lo];
      b[j] = n ? (lo << n) | (hi >>> (32 - n)) : lo;
      b[j + 1] = n ? (hi << n) | (lo >>> (32 - n)) : hi;
    }
    for (let y = 0; y < 50; y += 10) for (let x = 0; x < 10; x += 2) {
      const x1 = y + ((x + 2) % 10), x2 = y + ((x + 4) % 10);
      s[y + x] = b[y + x] ^ (~b[x1] & b[x2]);
      s[y + x + 1] = b[y + x + 1] ^ (~b[x1 + 1] & b[x2 + 1]);
    }
    s[0] ^= RC[2 * r]; s[1] ^= RC[2 * r + 1];
  }
}
function keccak(bytes) {
  const s = new Uint32Array(50), q = 136, padded = new Uint8Array(Math.floor(bytes.length / q + 1) * q);
  padded.set(bytes); padded[bytes.length] ^= 1; padded[padded.length - 1] ^= 0x80;
  for (let o = 0; o < padded.length; o += q) {
    for (let i = 0; i < q; i++) s[i >> 2] ^= padded[o + i] << (8 * (i & 3));
    permute(s);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = s[i >> 2] >>> (8 * (i & 3));
  return out;
}
const hex = (b) => "0x" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (h) => Uint8Array.from(h.slice(2).match(/../g) ?? [], (x) => parseInt(x, 16));
const utf8 = (t) => new TextEncoder().encode(t);
const word = (v) => bytes("0x" + BigInt(v).toString(16).padStart(64, "0"));
const cat = (...parts) => { const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let i = 0; for (const p of parts) { o.set(p, i); i += p.length; } return o; };
const k = (...parts) => keccak(cat(...parts));
const is32 = (v) => typeof v === "string" && /^0x[0-9a-f]{64}$/i.test(v);
const isDec = (v) => typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v) && BigInt(v) < 2n ** 64n;
const int = (v, max) => Number.isInteger(v) && v >= 0 && v <= max;
const refuse = (code) => Functions.encodeString(code);

const res = await Functions.makeHttpRequest({ url: proposalUrl, timeout: 4000 });
if (res.error) return refuse("FETCH");
const proposal = res.data?.proposal, contents = res.data?.contents ?? {};
if (!proposal || typeof proposal !== "object" || !Array.isArray(proposal.items) || !proposal.header) return refuse("MALFORMED");
const { header, items } = proposal;
if (typeof proposal.digest !== "string" || proposal.digest.toLowerCase() !== digestArg.toLowerCase()) return refuse("DIGEST");
if (!isDec(proposal.chainId) || String(proposal.rewards).toLowerCase() !== rewardsArg.toLowerCase()) return refuse("CHAIN");
if (!isDec(header.nonce) || !isDec(header.deadline) || !is32(header.evaluator) || !is32(header.rationaleRoot)) return refuse("MALFORMED");
if (items.length === 0 || items.length > 256) return refuse("MALFORMED");
let previous = 0n;
for (const item of items) {
  if (!isDec(item.submissionId) || !is32(item.contentHash) || typeof item.rationale !== "string") return refuse("MALFORMED");
  if (BigInt(item.submissionId) <= previous) return refuse("ORDER");
  previous = BigInt(item.submissionId);
  if (!int(item.score, 100)) return refuse("SCORE");
  if (!int(item.points, 0xffffffff)) return refuse("POINTS");
}

const packed = items.map((i) => word((BigInt(i.submissionId) << 40n) | (BigInt(i.score) << 32n) | BigInt(i.points)));
const domain = k(
  k(utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")),
  k(utf8("CashKey Rewards")), k(utf8("1")), word(proposal.chainId), word(rewardsArg));
const struct = k(
  k(utf8("ScoreBatch(uint64 nonce,bytes32 itemsHash,bytes32 evaluator,bytes32 rationaleRoot,uint64 deadline)")),
  word(header.nonce), k(...packed), bytes(header.evaluator), bytes(header.rationaleRoot), word(header.deadline));
if (hex(k(bytes("0x1901"), domain, struct)) !== digestArg.toLowerCase()) return refuse("DIGEST");

// The rationale root: an OpenZeppelin StandardMerkleTree over [uint64 id, bytes32 keccak(rationale)].
let tree = items.map((i) => hex(k(k(word(i.submissionId), keccak(utf8(i.rationale))))));
tree.sort();
tree = [...tree].reverse();
const nodes = new Array(2 * tree.length - 1);
tree.forEach((leaf, i) => { nodes[nodes.length - tree.length + i] = leaf; });
for (let i = nodes.length - 1 - tree.length; i >= 0; i--) {
  const [a, b] = [nodes[2 * i + 1], nodes[2 * i + 2]].sort();
  nodes[i] = hex(k(bytes(a), bytes(b)));
}
if (nodes[0] !== header.rationaleRoot.toLowerCase()) return refuse("RATIONALE");
const rationales = [];
for (const item of items) {
  let r;
  try { r = JSON.parse(item.rationale); } catch { return refuse("RATIONALE"); }
  if (r?.score !== item.score || String(r.evaluator).toLowerCase() !== header.evaluator.toLowerCase() || !Array.isArray(r.flags)) return refuse("RATIONALE");
  rationales.push(r);
}

// Bound content ({ text, title?, url?, author, salt }) may be claimed by its author's submission only.
const boundTo = new Map();
for (const item of items) {
  const c = contents[item.contentHash.toLowerCase()] ?? contents[item.contentHash];
  if (!c || typeof c.text !== "string") return refuse("CONTENT");
  const canonical = { text: c.text.normalize("NFC") };
  if (typeof c.title === "string") canonical.title = c.title.normalize("NFC");
  if (typeof c.url === "string") canonical.url = c.url.normalize("NFC");
  if ((c.author === undefined) !== (c.salt === undefined)) return refuse("CONTENT");
  if (c.author !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(c.author) || !is32(c.salt)) return refuse("CONTENT");
    canonical.author = c.author.toLowerCase();
    canonical.salt = c.salt.toLowerCase();
    boundTo.set(item.contentHash.toLowerCase(), canonical.author);
  }
  if (hex(keccak(utf8(JSON.stringify(canonical)))) !== item.contentHash.toLowerCase()) return refuse("CONTENT");
}

const submitted = hex(k(utf8("Submitted(uint64,address,bytes32,uint16)")));
const rpc = await Functions.makeHttpRequest({
  url: rpcUrl, method: "post", headers: { "content-type": "application/json" }, timeout: 5000,
  data: [
    { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
    { jsonrpc: "2.0", id: 2, method: "eth_getLogs", params: [{ address: rewardsArg, topics: [submitted], fromBlock: "0x" + BigInt(fromBlock).toString(16), toBlock: "latest" }] },
    { jsonrpc: "2.0", id: 3, method: "eth_call", params: [{ to: rewardsArg, data: hex(k(utf8("maxPointsPerSubmission()")).slice(0, 4)) }, "latest"] },
  ],
});
if (rpc.error || !Array.isArray(rpc.data)) throw new Error("RPC unavailable");
const answer = (id) => { const a = rpc.data.find((x) => x.id === id); if (!a || a.error) throw new Error("RPC error"); return a.result; };
if (BigInt(answer(1)) !== BigInt(proposal.chainId)) return refuse("CHAIN");
const firstWithHash = new Map(), hashOf = new Map(), authorOf = new Map();
for (const log of answer(2)) {
  const id = BigInt(log.topics[1]), h = log.data.slice(0, 66).toLowerCase(), author = "0x" + log.topics[2].slice(26).toLowerCase();
  hashOf.set(id, h);
  authorOf.set(id, author);
  // Only a claim the content allows counts as first: bound content, its author's submissions.
  if (boundTo.has(h) && boundTo.get(h) !== author) continue;
  if (!firstWithHash.has(h) || firstWithHash.get(h) > id) firstWithHash.set(h, id);
}
const maxPoints = BigInt(answer(3));

for (const [n, item] of items.entries()) {
  const id = BigInt(item.submissionId), onChain = hashOf.get(id), r = rationales[n];
  if (onChain === undefined) return refuse("UNKNOWN");
  if (onChain !== item.contentHash.toLowerCase()) return refuse("HASH");
  const codes = r.flags.map((f) => f?.code);
  if (boundTo.has(onChain) && boundTo.get(onChain) !== authorOf.get(id) && !codes.includes("content_unavailable")) return refuse("BOUND");
  if (firstWithHash.get(onChain) < id && !codes.includes("exact_duplicate")) return refuse("DUPLICATE");
  const blocked = codes.some((c) => BLOCKING.includes(c));
  const above = BigInt(item.score - MIN_SCORE + 1), span = BigInt(101 - MIN_SCORE);
  const points = blocked || item.score < MIN_SCORE ? 0n : (maxPoints * above * above) / (span * span);
  if (BigInt(item.points) !== points) return refuse("POINTS");
}
return bytes(digestArg);

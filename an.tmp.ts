import * as fs from "fs";
import { mailSplit } from "./scripts/bench/scoring/mail";
const mail = mailSplit("tune").filter((_, i) => i % 5 === 0).slice(0, 800);
fs.writeFileSync("/tmp/mail.jsonl", mail.map((m) => JSON.stringify({ text: m.body.slice(0, 15000) })).join("\n") + "\n");
fs.writeFileSync("/tmp/mail.labels", mail.map((m) => (m.spam ? "1" : "0")).join("\n"));

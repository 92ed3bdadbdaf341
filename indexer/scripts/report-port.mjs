// Preloaded with `node --import` when CASHKEY_INDEXER_PORT_FILE is set: Ponder then serves on `--port 0`
// (the kernel picks a free port at bind time, so nothing can take it between a check and a bind) but
// logs the port it was given, 0. This records the port the HTTP server actually holds in that file.
// Ponder's own free-port probe is an http.Server without a request handler; only the real server,
// which has one, is reported.
import fs from "node:fs";
import http from "node:http";

const file = process.env.CASHKEY_INDEXER_PORT_FILE;
if (file) {
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function (...args) {
    this.once("listening", () => {
      if (this.listenerCount("request") === 0) return;
      const address = this.address();
      if (address === null || typeof address !== "object") return;
      // Written whole, then renamed: a reader never sees a partial file.
      fs.writeFileSync(`${file}.tmp`, JSON.stringify({ port: address.port }));
      fs.renameSync(`${file}.tmp`, file);
    });
    return listen.apply(this, args);
  };
}

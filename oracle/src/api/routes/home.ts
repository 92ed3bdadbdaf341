/**
 * `GET /`: a small readable page for a person who opens a node's address in a browser: what the node
 * is, each endpoint of its OpenAPI document with its summary, and the link to the document itself
 * (also announced in a `Link: rel="service-desc"` header, RFC 8631, for programs).
 */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../types";

/** The parts of the OpenAPI document the page shows. */
interface ApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

interface Endpoint {
  method: string;
  path: string;
  summary: string;
}

function endpointsOf(document: ApiDocument): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, { summary?: string } | undefined>)[method];
      if (operation !== undefined) endpoints.push({ method: method.toUpperCase(), path, summary: operation.summary ?? "" });
    }
  }
  return endpoints;
}

/** The page for `document` (read once, at the first request: every route is registered by then). */
export function homeRouter(document: () => ApiDocument, openApiPath: string) {
  let page: string | undefined;
  const render = async (): Promise<string> => {
    const doc = document();
    const rows = endpointsOf(doc).map(
      (e) =>
        html`<tr>
          <td><code>${e.method}</code></td>
          <td><code>${e.path}</code></td>
          <td>${e.summary}</td>
        </tr>`,
    );
    return (
      await html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>${doc.info.title}</title>
            <style>
              body {
                font-family: system-ui, sans-serif;
                max-width: 60rem;
                margin: 2rem auto;
                padding: 0 1rem;
                line-height: 1.5;
              }
              table {
                border-collapse: collapse;
                width: 100%;
              }
              td {
                border-top: 1px solid #ccc;
                padding: 0.3rem 0.6rem;
                vertical-align: top;
              }
            </style>
          </head>
          <body>
            <h1>${doc.info.title} <small>API ${doc.info.version}</small></h1>
            <p>${doc.info.description ?? ""}</p>
            <p>
              Machine-readable description: <a href="${openApiPath}">${openApiPath}</a> (OpenAPI ${doc.openapi}; load it into any OpenAPI viewer or client generator).
            </p>
            <table>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </body>
        </html>`
    ).toString();
  };
  return new Hono<AppEnv>().get("/", async (c) => {
    page ??= await render();
    c.header("Link", `<${openApiPath}>; rel="service-desc"`);
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(page);
  });
}

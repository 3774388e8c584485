// A tiny static server for the calendar page (no dependencies): serves bindings-wasm/ (the page under
// /www/, the package under /pkg/web/) and, with --view FILE, that household view as /www/view.json.
// `node www/serve.mjs [--port N] [--view FILE]` on 127.0.0.1; prints the page's address. Port 0 (the
// default) picks a free one.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
};

/** Starts the server; resolves to {url, close()}. `views` maps a URL path to a JSON file to serve there. */
export function serve({ port = 0, views = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/healthz") return res.end("ok");
    const file = views[path] ?? join(ROOT, normalize(path).replace(/^(\.\.[/\\])+/, ""));
    if (!file.startsWith(ROOT) && !(path in views)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => {
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      ok({ url, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const view = arg("--view");
  const { url } = await serve({ port: Number(arg("--port") ?? 0), views: view ? { "/www/view.json": resolve(view) } : {} });
  console.log(`calendar page: ${url}/www/index.html`);
}

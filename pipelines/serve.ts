// A small static server for viewing the built site locally (127.0.0.1 only).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".md": "text/markdown; charset=utf-8",
  ".zip": "application/zip",
};

/** Starts the server and resolves once it listens; the caller closes it. */
export function startServer(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`No built site at ${root}: run npm run build first.`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    // Never serve anything outside the site folder.
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) return void res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) =>
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}` });
    }),
  );
}

export async function serve(dir: string, port: number): Promise<void> {
  const { url } = await startServer(dir, port);
  console.log(`Serving ${dir} at ${url} (Ctrl-C to stop)`);
  await new Promise(() => {});
}

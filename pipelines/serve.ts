// `tuition-impact serve`: the built site on 127.0.0.1 for viewing, by sirv (a kept static
// server) rather than our own: it serves only files under the site folder (prefix checked
// with the path separator, so /dist-other/... is not "under" dist/) and answers a malformed
// URL with 404 instead of crashing.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import sirv from "sirv";

/** Starts the server and resolves once it listens; the caller closes it. */
export function startServer(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`No built site at ${root}: build it first with tuition-impact site (or npm run build).`);
  // dev: each request looks at the folder as it is now, so a site rebuilt (swapped in) while
  // serving is shown without a restart, and nothing is cached by the browser.
  const files = sirv(root, { dev: true, extensions: ["html"], dotfiles: false });
  const server = createServer((req, res) =>
    files(req, res, () => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
    }),
  );
  return new Promise((ok, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") return fail(error);
      // A busy port is fixed on the command line (--port), so it is reported as a usage error.
      const busy = new Error(`port ${port} on 127.0.0.1 is already in use; choose another with --port N`);
      busy.name = "UsageError";
      fail(busy);
    });
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}` });
    });
  });
}

export async function serve(dir: string, port: number): Promise<void> {
  const { server, url } = await startServer(dir, port);
  console.log(`Serving ${resolve(dir)} at ${url} (Ctrl-C to stop)`);
  // Ctrl-C is how a person ends serving: stop quietly and successfully.
  await new Promise<void>((done) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        server.close(() => done());
        server.closeAllConnections(); // a browser's keep-alive connections would hold close() open
      });
  });
}

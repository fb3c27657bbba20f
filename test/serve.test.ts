// `tuition-impact serve`: serves the site folder and nothing outside it, and survives URLs
// crafted to escape it or to break URL decoding.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../pipelines/serve.ts";

/** GET with the path sent exactly as written (fetch and URL would normalise ../ and %2e%2e away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    // A server that crashed on the request never answers: fail then, not at the test timeout.
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to GET ${path}`)));
    req.end();
  });
}

describe("serve", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-"));
    // The site folder, and a sibling whose name starts with the site folder's name.
    mkdirSync(join(dir, "dist", "pages"), { recursive: true });
    writeFileSync(join(dir, "dist", "index.html"), "<p>home</p>");
    writeFileSync(join(dir, "dist", "pages", "impact.html"), "<p>impact</p>");
    mkdirSync(join(dir, "dist-other"));
    writeFileSync(join(dir, "dist-other", "secret.txt"), "SECRET");
    writeFileSync(join(dir, "outside.txt"), "SECRET");
    ({ server, url } = await startServer(join(dir, "dist"), 0));
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("serves the site: / is index.html, a page without its .html", async () => {
    expect(await rawGet(url, "/")).toEqual({ status: 200, body: "<p>home</p>" });
    expect(await rawGet(url, "/pages/impact")).toEqual({ status: 200, body: "<p>impact</p>" });
    expect((await rawGet(url, "/pages/none")).status).toBe(404);
  });

  it.each([
    "/../dist-other/secret.txt",
    "/%2e%2e/dist-other/secret.txt",
    "/..%2fdist-other%2fsecret.txt",
    "/%2e%2e%2fdist-other%2fsecret.txt",
    "/../outside.txt",
    "/%2e%2e/outside.txt",
  ])("never serves a file outside the site folder: %s", async (path) => {
    const r = await rawGet(url, path);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).not.toContain("SECRET");
  });

  it.each(["/%E0%A4%A", "/%", "/pages/%ZZ", "/%c0%ae%c0%ae/outside.txt"])(
    "answers a malformed URL (%s) with an error status and keeps serving",
    async (path) => {
      const r = await rawGet(url, path);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain("SECRET");
      expect(await rawGet(url, "/")).toEqual({ status: 200, body: "<p>home</p>" });
    },
  );
});

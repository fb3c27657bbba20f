// Ctrl-C (SIGINT) or SIGTERM during `run`: one line saying it stopped and that nothing was
// published, exit 130, the last good outputs byte-identical, no scratch files left behind.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { smallLaRun } from "./helpers/small-la-run.ts";
import { EXIT } from "../pipelines/core/exit-codes.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const env = { ...process.env, TUITION_MEMORY_LIMIT: "1GB" };

/**
 * Starts a run, waits until its database is being built (the .building file exists) and its
 * progress has reached `stage`, then sends `signal`; resolves with what the run printed.
 */
async function interruptedRun(input: string, out: string, stage: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [CLI, "run", input, "--out", out], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("exit", (code, sig) => done({ code, signal: sig })));
  let sent = false;
  const poll = setInterval(() => {
    const building = readdirSync(out).some((f) => f.startsWith(".building-"));
    if (!sent && building && stderr.includes(`${stage}...`)) {
      sent = true;
      child.kill(signal);
    }
  }, 20);
  const { code, signal: killedBy } = await exited;
  clearInterval(poll);
  await new Promise((r) => setImmediate(r));
  return { sent, code, killedBy, stderr, stdout };
}

describe("a run stopped by a signal", () => {
  let input: string;
  let out: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    // The small LA's good run, shared with other test files (refused there unless it exits 0):
    // its input is only read; its outputs are copied, since the stopped runs write beside them.
    const small = await smallLaRun();
    input = small.input;
    out = join(mkdtempSync(join(tmpdir(), "interrupt-")), "out");
    cpSync(small.out, out, { recursive: true });
    before = hashTree(out);
  });

  it.each([
    ["SIGINT", "ingest", /^tuition-impact: stopped by Ctrl-C; nothing was published: the last good outputs in .* are as they were\.$/],
    ["SIGINT", "transform", /^tuition-impact: stopped by Ctrl-C; nothing was published/],
    ["SIGTERM", "measures", /^tuition-impact: stopped by SIGTERM; nothing was published/],
  ] as const)("%s during %s: one line, exit 130, last outputs byte-identical, no leftovers", async (signal, stage, line) => {
    const r = await interruptedRun(input, out, stage, signal);
    expect(r.sent, `the run never reached ${stage}:\n${r.stderr}`).toBe(true);
    expect(r.code, r.stderr).toBe(EXIT.interrupted);
    const verdict = r.stderr.split("\n").filter((l) => l.startsWith("tuition-impact:"));
    expect(verdict).toHaveLength(1);
    expect(verdict[0]).toMatch(line);
    // Nothing of a finished run was printed, and nothing else went wrong on the way out.
    expect(r.stdout).not.toMatch(/quarantine report/);
    expect(r.stderr).not.toMatch(/unexpected error|Error:/);
    expect(hashTree(out)).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith(".") || f.endsWith(".wal") || /\.(old|writing)-\d+/.test(f))).toEqual([]);
    expect(existsSync(join(out, "tuition-impact.duckdb.wal"))).toBe(false);
  });
});

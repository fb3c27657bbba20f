// `npm ci` installs from the committed package-lock.json, and refuses it when an optional
// dependency of any locked package (another platform's native binary: @duckdb/node-bindings-*,
// @rollup/rollup-*, @esbuild/*) has no entry of its own. These checks are npm ci's, made on
// the lock file alone, so a lock written with some platforms left out fails here, not on an
// officer's machine.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
const packages: Record<string, { version?: string; optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> }> = lock.packages;

/** Where node (and npm) find `name` from the package at `from`: the nearest node_modules up the tree. */
function resolveIn(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf("/node_modules/")))) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

describe("package-lock.json", () => {
  it("is a lockfile v3 whose root lists exactly package.json's dependencies", () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(packages[""].dependencies).toEqual(pkg.dependencies);
    expect((packages[""] as { devDependencies?: unknown }).devDependencies).toEqual(pkg.devDependencies);
  });

  it("has an entry for every platform binary @duckdb/node-bindings may load", () => {
    const bindings = packages["node_modules/@duckdb/node-bindings"];
    const platforms = Object.keys(bindings.optionalDependencies ?? {});
    expect(platforms.length).toBeGreaterThan(1);
    const missing = platforms.filter((name) => !resolveIn("node_modules/@duckdb/node-bindings", name));
    expect(missing, "run npm install with npm 11 and commit the lock it writes").toEqual([]);
  });

  it("has an entry, at the version asked for, for every optional dependency of every locked package", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
        const found = resolveIn(path, name);
        if (!found) missing.push(`${path || "(root)"} → ${name}@${range}`);
        // The platform packages are pinned to their parent's exact version.
        else if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range) && packages[found].version !== range)
          missing.push(`${found} is ${packages[found].version}, ${path} wants ${range}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

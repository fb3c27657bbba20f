import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { checkUpn, upnCheckLetter, UPN_LETTERS } from "../pipelines/validate/upn.ts";
import { upnCheckLetter as generatorCheckLetter } from "../pipelines/synth/upn-make.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Worked by hand from the DfE algorithm: characters 2..13 of K201100109001 are
// 2 0 1 1 0 0 1 0 9 0 0 1, weights 2..13: 4+0+4+5+0+0+8+0+90+0+0+13 = 124;
// 124 mod 23 = 9 → the tenth letter of ABCDEFGHJKLMNPQRTUVWXYZ = K.
// Temporary W20110010900A: the final A counts 0, so 124 − 13·1 = 111; 111 mod 23 = 19 → W.
describe("UPN check letter (TypeScript)", () => {
  it("accepts a valid permanent UPN", () => {
    expect(upnCheckLetter("201100109001")).toBe("K");
    expect(checkUpn("K201100109001")).toEqual({ upn: "K201100109001", status: "ok" });
  });
  it("refuses a wrong check letter", () => {
    expect(checkUpn("A201100109001").status).toBe("bad_upn_check_letter");
    expect(checkUpn("L201100109001").status).toBe("bad_upn_check_letter");
  });
  it("accepts and flags a temporary UPN (13th character a letter)", () => {
    expect(checkUpn("W20110010900A")).toEqual({ upn: "W20110010900A", status: "temporary" });
    expect(checkUpn("K20110010900A").status).toBe("bad_upn_check_letter");
  });
  it("upper-cases a lower-case UPN and accepts it", () => {
    expect(checkUpn(" k201100109001 ")).toEqual({ upn: "K201100109001", status: "ok" });
    expect(checkUpn("w20110010900a").status).toBe("temporary");
  });
  it("refuses the wrong shape", () => {
    for (const bad of ["K20110010900", "K2011001090011", "I201100109001", "K20110010900S", "K2011001O9001", "1201100109001", ""])
      expect(checkUpn(bad).status, bad).toBe("bad_upn");
  });
  it("agrees with the generator's independent implementation on many bodies", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      let body = "";
      for (let i = 0; i < 11; i++) body += Math.floor(rand() * 10);
      body += rand() < 0.3 ? UPN_LETTERS[Math.floor(rand() * 23)] : Math.floor(rand() * 10);
      expect(upnCheckLetter(body)).toBe(generatorCheckLetter(body));
    }
  });
});

describe("UPN check letter (SQL macro, used in bulk)", () => {
  it("agrees with the TypeScript implementation, including wrong letters and bad shapes", async () => {
    const db = await Db.open(":memory:");
    await db.run(readFileSync(join(import.meta.dirname, "../pipelines/validate/sql/macros.sql"), "utf8"));
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values: string[] = [
      "K201100109001",
      "A201100109001",
      "W20110010900A",
      "w20110010900a",
      "k201100109001",
      "K20110010900",
      "I201100109001",
      "K20110010900S",
    ];
    for (let n = 0; n < 500; n++) {
      let s = UPN_LETTERS[Math.floor(rand() * 23)];
      for (let i = 0; i < 11; i++) s += Math.floor(rand() * 10);
      s += rand() < 0.3 ? UPN_LETTERS[Math.floor(rand() * 23)] : Math.floor(rand() * 10);
      values.push(s);
    }
    await db.run("create table u(v VARCHAR)");
    await db.run(`insert into u select unnest(?::VARCHAR[])`, [JSON.stringify(values)]);
    const rows = await db.all<{ v: string; status: string }>("select v, ti_upn_status(v) as status from u");
    expect(rows).toHaveLength(values.length);
    for (const r of rows) expect(r.status, r.v).toBe(checkUpn(r.v).status);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["ok", "temporary", "bad_upn", "bad_upn_check_letter"]));
    db.close();
  });
});

import { describe, expect, it } from "vitest";
import { parseSettings, SettingsError } from "../pipelines/core/settings.ts";

const la = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };

describe("settings.json", () => {
  it("fills the documented defaults", () => {
    const s = parseSettings({ la, build_date: "2010-09-30" });
    expect(s.las).toEqual([la]);
    expect(s.tutor_hourly_rate_gbp).toBe(27);
    expect(s.school_payment_per_place_gbp).toBe(100);
    expect(s.suppression_threshold).toBe(5);
    expect(s.header_aliases).toEqual({});
    expect(s.academic_years).toBeUndefined();
  });
  it("defaults the build date to today", () => {
    expect(parseSettings({ la }).build_date).toBe(new Date().toISOString().slice(0, 10));
  });
  it("names the setting that is wrong, in words", () => {
    expect(() => parseSettings({ la: { ...la, old_code: "91" } })).toThrow(/la\.old_code: old_code is the three-digit LA code/);
    expect(() => parseSettings({ la, academic_years: ["2009/11"] })).toThrow(/academic_years\.0: the two years must be consecutive/);
    expect(() => parseSettings({ la, suppression_treshold: 3 })).toThrow(SettingsError);
  });
  it("needs exactly one of la and las", () => {
    expect(() => parseSettings({})).toThrow(/exactly one of `la`/);
    expect(() => parseSettings({ la, las: [la] })).toThrow(/exactly one of `la`/);
    expect(
      parseSettings({ las: [la, { ...la, old_code: "202", name: "Camden", gss_code: "E09000007", region_code: "E12000007", region_name: "London" }] }).las,
    ).toHaveLength(2);
  });
});

// The `programme` setting and the `ntp` block (programmes.md §1–§2): defaults, and every refusal
// as a sentence naming the key — an unknown programme, a setting of the other profile, an ntp
// year outside 2020/21–2023/24, a funding-table cell that names no NTP year or route.
import { describe, expect, it } from "vitest";
import { parseSettings, programmeOf, SettingsError } from "../pipelines/core/settings.ts";

const la = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const refusal = (raw: unknown) => {
  try {
    parseSettings(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as Error).message;
  }
  throw new Error("the settings were accepted");
};

describe("programme", () => {
  it("is the 2009 programme when absent, and then leaves the resolved settings as they were", () => {
    const s = parseSettings({ la, build_date: "2010-09-30" });
    expect(programmeOf(s)).toBe("one_to_one_2009");
    expect(Object.keys(s)).not.toContain("programme");
    expect(Object.keys(s)).not.toContain("ntp");
    expect(programmeOf(parseSettings({ la, programme: "one_to_one_2009" }))).toBe("one_to_one_2009");
  });

  it("gives an ntp run the ntp block with its defaults", () => {
    const s = parseSettings({ la, programme: "ntp", academic_years: ["2022/23"] });
    expect(programmeOf(s)).toBe("ntp");
    expect(s.ntp).toEqual({
      full_course_hours: 12,
      expected_standardised_score: 85,
      hourly_cost_gbp: { tuition_partner: 45, academic_mentor: 25, school_led: 30 },
      subsidy_share: {},
      standardised_tests: {},
    });
    const given = parseSettings({
      la,
      programme: "ntp",
      ntp: {
        hourly_cost_gbp: { school_led: 35 },
        subsidy_share: { "2022/23": { school_led: { share: 0.6, capped: false } } },
        standardised_tests: { NGRT: { min: 69, max: 141 } },
      },
    });
    expect(given.ntp!.hourly_cost_gbp).toEqual({ tuition_partner: 45, academic_mentor: 25, school_led: 35 });
    expect(given.ntp!.subsidy_share["2022/23"]).toEqual({ school_led: { share: 0.6, capped: false } });
  });

  it("refuses an unknown programme, naming both", () => {
    expect(refusal({ la, programme: "2009" })).toContain(
      `programme: "2009" is not a programme; write "one_to_one_2009" (the 2009 one-to-one programme, the default) or "ntp"`,
    );
  });

  it("refuses the 2009 settings in an ntp folder, each by name", () => {
    const message = refusal({ la, programme: "ntp", tutor_hourly_rate_gbp: 27, school_payment_per_place_gbp: 100 });
    expect(message).toContain(`tutor_hourly_rate_gbp: belongs to the 2009 one-to-one programme, not to programme "ntp"`);
    expect(message).toContain(`school_payment_per_place_gbp: belongs to the 2009 one-to-one programme`);
  });

  it("refuses the ntp block in a 2009 folder", () => {
    expect(refusal({ la, ntp: { full_course_hours: 12 } })).toContain(
      `ntp: settings of the National Tutoring Programme, but programme is not given, so one_to_one_2009; set "programme": "ntp" or remove the ntp block`,
    );
    expect(refusal({ la, programme: "one_to_one_2009", ntp: {} })).toContain(
      `ntp: settings of the National Tutoring Programme, but programme is one_to_one_2009`,
    );
  });

  it("refuses an ntp year outside 2020/21–2023/24 in academic_years and in the funding table", () => {
    expect(refusal({ la, programme: "ntp", academic_years: ["2022/23", "2019/20"] })).toContain(
      "academic_years.1: 2019/20 is not a year of the National Tutoring Programme, which ran 2020/21 to 2023/24",
    );
    const message = refusal({
      la,
      programme: "ntp",
      ntp: { subsidy_share: { "2024/25": { school_led: { share: 0.5, capped: true } }, "2022/23": { mentors: { share: 0.5, capped: true } } } },
    });
    expect(message).toContain("ntp.subsidy_share.2024/25: 2024/25 is not a year of the National Tutoring Programme (2020/21 to 2023/24)");
    expect(message).toContain("ntp.subsidy_share.2022/23.mentors: mentors is not an NTP route (tuition_partner, academic_mentor, school_led)");
  });

  it("refuses a share outside 0 to 1 and a test range upside down", () => {
    const message = refusal({
      la,
      programme: "ntp",
      ntp: { subsidy_share: { "2021/22": { school_led: { share: 75, capped: true } } }, standardised_tests: { PUMA: { min: 140, max: 70 } } },
    });
    expect(message).toContain("ntp.subsidy_share.2021/22.school_led.share: share is the programme's share of cost, from 0 to 1");
    expect(message).toContain("ntp.standardised_tests.PUMA: min must be below max");
  });
});

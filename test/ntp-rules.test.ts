// The NTP counting and funding rules (programmes.md §13–§14) against the spec's own worked
// examples (§6.5) and the edges of each rule.
import { describe, expect, it } from "vitest";
import { capFor, censusHours, courseCost, startsFor, subsidyCell } from "../pipelines/core/ntp-rules.ts";

describe("census hours and starts (§13)", () => {
  it("16.2 h rounds to 16.0 and is 1 start; 16.3 h rounds to 16.5 and is 2 starts", () => {
    expect(censusHours(16.2)).toBe(16);
    expect(startsFor(16.2)).toBe(1);
    expect(censusHours(16.3)).toBe(16.5);
    expect(startsFor(16.3)).toBe(2);
  });
  it("a half-hour exactly halfway rounds up, also when reached through minutes / 60", () => {
    expect(censusHours(975 / 60)).toBe(16.5); // 16.25 h
    expect(startsFor(975 / 60)).toBe(2);
    expect(censusHours(16 + 14 / 60)).toBe(16); // 16.233 h
    expect(censusHours(0.25)).toBe(0.5);
    expect(censusHours(0.2)).toBe(0);
  });
  it("no hours is no start, however many courses; a pupil under a quarter hour rounds to 0 and is no start", () => {
    expect(startsFor(0)).toBe(0);
    expect(startsFor(0.2)).toBe(0);
    expect(startsFor(16)).toBe(1);
    expect(startsFor(40)).toBe(2);
  });
  it("on Total, 12 h maths + 6 h English count 2, and 1 in each subject row", () => {
    expect(startsFor(12 + 6)).toBe(2);
    expect(startsFor(12) + startsFor(6)).toBe(2);
    expect(startsFor(12)).toBe(1);
    expect(startsFor(6)).toBe(1);
  });
  it("refuses negative hours with a sentence", () => {
    expect(() => censusHours(-1)).toThrow(/0 or more/);
  });
});

describe("course cost and programme funding (§14)", () => {
  it("§6.5: 2021/22 school-led, 3 pupils at £54/h, 15 billed hours: £270 a pupil, £202.50 funded", () => {
    const c = courseCost({
      academicYear: "2021/22",
      route: "school_led",
      fundingSource: "ntp",
      billedHours: 15,
      hourlyCostGbp: 54,
      groupSize: 3,
      schoolPhase: "primary",
    });
    expect(c.costPerPupilHour).toBeCloseTo(18, 10);
    expect(c.cost).toBeCloseTo(270, 10);
    expect(c.programmeFunding).toBeCloseTo(202.5, 10);
    expect(c.schoolContribution).toBeCloseTo(67.5, 10);
  });
  it("§14: 2023/24, 2 pupils at £43/h, 15 billed hours: £322.50 a pupil, programme £135.00, school £187.50", () => {
    const c = courseCost({
      academicYear: "2023/24",
      route: "tuition_partner",
      fundingSource: "ntp",
      billedHours: 15,
      hourlyCostGbp: 43,
      groupSize: 2,
      schoolPhase: "secondary",
    });
    expect(c.cost).toBeCloseTo(322.5, 10);
    expect(c.programmeFunding).toBeCloseTo(135, 10);
    expect(c.schoolContribution).toBeCloseTo(187.5, 10);
  });
  it("the cap is £47 a pupil-hour where the arranging school is special or AP", () => {
    expect(capFor("special")).toBe(47);
    expect(capFor("ap")).toBe(47);
    expect(capFor("primary")).toBe(18);
    const c = courseCost({
      academicYear: "2023/24",
      route: "school_led",
      fundingSource: "ntp",
      billedHours: 10,
      hourlyCostGbp: 60,
      groupSize: 1,
      schoolPhase: "special",
    });
    expect(c.programmeFunding).toBeCloseTo(0.5 * 10 * 47, 10);
  });
  it("uncapped cells fund the share of the whole cost; only ntp-funded courses earn funding", () => {
    const partner = courseCost({
      academicYear: "2021/22",
      route: "tuition_partner",
      fundingSource: "ntp",
      billedHours: 15,
      hourlyCostGbp: 60,
      groupSize: 1,
      schoolPhase: "primary",
    });
    expect(partner.programmeFunding).toBeCloseTo(0.7 * 900, 10);
    const pp = courseCost({
      academicYear: "2021/22",
      route: "tuition_partner",
      fundingSource: "pupil_premium",
      billedHours: 15,
      hourlyCostGbp: 60,
      groupSize: 1,
      schoolPhase: "primary",
    });
    expect(pp.programmeFunding).toBe(0);
    expect(pp.schoolContribution).toBeCloseTo(900, 10);
  });
  it("a missed session recorded with 0 minutes bills nothing", () => {
    expect(
      courseCost({
        academicYear: "2022/23",
        route: "academic_mentor",
        fundingSource: "ntp",
        billedHours: 0,
        hourlyCostGbp: 25,
        groupSize: 2,
        schoolPhase: "primary",
      }).cost,
    ).toBe(0);
  });
  it("school-led tutoring in 2020/21 (not open) earns no funding; a settings override replaces a cell", () => {
    expect(subsidyCell("2020/21", "school_led").share).toBe(0);
    expect(subsidyCell("2022/23", "school_led", { "2022/23": { school_led: { share: 0.65, capped: false } } })).toEqual({ share: 0.65, capped: false });
    expect(() => subsidyCell("2019/20", "school_led")).toThrow(/2019\/20 is outside 2020\/21–2023\/24/);
  });
});

// Files that cannot be used at all stop the run with an InputError naming the file and
// what is wrong (inputs.md, architecture.md).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../pipelines/ingest/errors.ts";
import { folder, HEADERS, ingestAndValidate, ingestOnly } from "./fixtures/ingest/harness.ts";

async function failure(files: Record<string, string | Buffer>, validateToo = false): Promise<InputError> {
  const dir = folder(files);
  const err = await (validateToo ? ingestAndValidate(dir) : ingestOnly(dir)).then(
    () => {
      throw new Error("expected an InputError");
    },
    (e) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err;
}

describe("unusable files", () => {
  it("an empty file", async () => {
    const err = await failure({ "schools.csv": "" });
    expect(err.file).toBe("schools.csv");
    expect(err.message).toMatch(/empty/);
  });

  it("a file of blank lines", async () => {
    expect((await failure({ "tuition.csv": "\r\n\r\n" })).message).toMatch(/tuition\.csv.*empty/);
  });

  it("a binary file under a .csv name", async () => {
    const err = await failure({ "pupils.csv": Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0xff, 0x00]) });
    expect(err.file).toBe("pupils.csv");
    expect(err.message).toMatch(/not a CSV/);
  });

  it("a .csv file that is not a workbook under a .xlsx name", async () => {
    const err = await failure({ "sessions.xlsx": "tuition_id,session_date\n" });
    expect(err.file).toBe("sessions.xlsx");
    expect(err.message).toMatch(/not an \.xlsx workbook/);
  });

  it("a dataset file that is neither CSV nor xlsx", async () => {
    const err = await failure({ "allocations.xls": "whatever" });
    expect(err.file).toBe("allocations.xls");
    expect(err.message).toMatch(/not a CSV or \.xlsx/);
  });

  it("two files for one dataset, whatever the case of their names", async () => {
    const err = await failure({ "Pupils.CSV": `${HEADERS.pupils}\n`, "pupils.xlsx": "x" });
    expect(err.message).toMatch(/second file for pupils/);
  });

  it("a required dataset missing", async () => {
    const dir = folder({});
    rmSync(join(dir, "attainment.csv"));
    const err = await ingestOnly(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/attainment is required/);
  });

  it("a quote that is never closed, naming its line", async () => {
    const err = await failure({
      "schools.csv": `${HEADERS.schools}\n100001,9192001,Synthetic A,919,primary,N,N,N\n100002,9192002,"Synthetic B,919,primary,N,N,N\n`,
    });
    expect(err.message).toMatch(/line 3/);
  });

  it("a school in an LA the settings do not name", async () => {
    const err = await failure(
      { "schools.csv": `${HEADERS.schools}\n100001,9192001,Synthetic A,919,primary,N,N,N\n100002,2022002,Synthetic B,202,primary,N,N,N\n` },
      true,
    );
    expect(err.file).toBe("schools.csv");
    expect(err.message).toMatch(/line 3: la_code 202/);
  });
});

// Run the generator without the CLI: npx tsx pipelines/synth/main.ts --scale la --seed 1 --out /tmp/x
import { parseArgs } from "node:util";
import { synthesise } from "./index.js";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "la" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    faults: { type: "boolean", default: false },
    schools: { type: "string" },
    las: { type: "string" },
    "pupils-per-school": { type: "string" },
    "faults-per-kind": { type: "string" },
    years: { type: "string" },
    programme: { type: "string" },
    year: { type: "string" },
  },
});
if (!values.out) {
  console.error(
    "Usage: tsx pipelines/synth/main.ts --scale la|national --seed N --out DIR [--faults] [--schools N] [--las N] [--pupils-per-school N] [--years N] [--programme ntp [--year 2022/23]]",
  );
  process.exit(2);
}
if (values.scale !== "la" && values.scale !== "national") {
  console.error(`--scale must be "la" or "national", got "${values.scale}"`);
  process.exit(2);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
let last = 0;
const result = await synthesise(
  {
    scale: values.scale,
    seed: Number(values.seed),
    out: values.out,
    faults: values.faults,
    schools: num(values.schools),
    las: num(values.las),
    pupilsPerSchool: num(values["pupils-per-school"]),
    faultsPerKind: num(values["faults-per-kind"]),
    years: num(values.years),
    ...(values.programme ? { programme: values.programme as "one_to_one_2009" | "ntp" } : {}),
    ...(values.year ? { year: values.year } : {}),
  },
  (stage, done, total) => {
    const now = Date.now();
    if (now - last > 5000 || done === total) {
      last = now;
      console.error(`${stage}: ${done}/${total}`);
    }
  },
);
console.log(JSON.stringify(result, null, 2));

// Filename checks (eesyscreener R/check_filename_spaces.R, R/check_filename_special.R,
// R/check_filenames_match.R), run by screen_filenames() on the data and the metadata file name.
import { fail, pass, type CheckResult } from "./table.ts";

/** Ports check_filename_spaces(): a literal space anywhere in the name fails. */
export function checkFilenameSpaces(filename: string): CheckResult {
  return filename.includes(" ")
    ? fail("filename_spaces", `There are spaces that need removing in '${filename}' (filename).`)
    : pass("filename_spaces", `'${filename}' does not have spaces in the filename.`);
}

/**
 * Ports check_filename_special(): the name without its last extension and a trailing ".meta",
 * less hyphens, underscores and whitespace, must be letters and digits only.
 */
export function checkFilenameSpecial(filename: string): CheckResult {
  // tools::file_path_sans_ext drops a final ".<alphanumerics>" extension only
  const stem = filename.replace(/\.[A-Za-z0-9]+$/, "").replace(/\.meta$/, "");
  const rest = stem.replace(/[-_\s]/g, "");
  if (/[^\p{L}\p{N}]/u.test(rest)) {
    const specials = [...new Set(stem.replace(/[A-Za-z0-9]|-|_|\s/g, ""))];
    return fail(
      "filename_special",
      `The following special characters need removing from ${filename} (filename): ${specials.join(" ")}. Filenames must only contain numbers, letters, hyphens or underscores.`,
    );
  }
  return pass("filename_special", `'${filename}' does not contain any special characters.`);
}

/** Ports check_filenames_match(): the metadata name is the data name with its first ".csv" made ".meta.csv". */
export function checkFilenamesMatch(datafilename: string, metafilename: string): CheckResult {
  // stringr::str_replace(datafilename, "\\.csv", "\\.meta.csv") replaces the first ".csv" only
  const expected = datafilename.replace(".csv", ".meta.csv");
  return metafilename === expected
    ? pass("filenames_match", "The names of the files follow the recommended naming convention.")
    : fail(
        "filenames_match",
        `The filenames do not follow the recommended naming convention. Based on the given data filename, the metadata filename is expected to be '${expected}'.`,
      );
}

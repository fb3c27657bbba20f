// Which files of the return folder the site offers for download: the data files, their
// metadata, the workbook and the data guidance; nothing else (no private lists, no databases).
// A CSV over ZIP_ABOVE_BYTES is offered zipped (one member, the file byte for byte, no BOM, as
// Explore Education Statistics wants it): the demo LA's school-level file is 12.5 MB as CSV and
// under a tenth of that zipped, and the site must stay under 20 MB (issue 17).
import { zip } from "../../pipelines/export/zip.ts";

export const ZIP_ABOVE_BYTES = 2_000_000;

export function publishableDownloads(names: string[]): string[] {
  return names.filter((n) => /^[\w.-]+\.(csv|xlsx|md)$/i.test(n) && !n.startsWith(".")).sort();
}

/** The name a return file is offered under on the site. */
export function offeredName(name: string, bytes: number): string {
  return /\.csv$/i.test(name) && bytes > ZIP_ABOVE_BYTES ? `${name}.zip` : name;
}

/** The bytes offered for a return file: the file itself, or a zip holding it unchanged (fixed date: same file, same bytes). */
export function offeredBytes(name: string, data: Buffer): Buffer {
  return offeredName(name, data.length) === name ? data : zip([{ name, data }], new Date("1980-01-01T00:00:00Z"));
}

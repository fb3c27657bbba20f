// Which files of the return folder the site offers for download: the data files, their
// metadata, the workbook and the data guidance; nothing else (no private lists, no databases).
export function publishableDownloads(names: string[]): string[] {
  return names.filter((n) => /^[\w.-]+\.(csv|xlsx|md)$/i.test(n) && !n.startsWith(".")).sort();
}

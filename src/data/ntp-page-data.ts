// Shared by the ntp pages' loaders (ntp-*.json.ts): page data as page-data.ts builds it for every
// page (only the rows the page shows, the labels of its indicators, the run's provenance), plus
// what the ntp pages need to stay generic over what the run published (programmes.md §4):
// - `layout`: the return's filters in the metadata's order with their metadata labels, and its
//   subject order (export/layout.ts), so a page names a breakdown "NTP route", never `route`,
//   and shows a new breakdown or outcome measure without an edit;
// - `footnotes`: the reasons the return gives for its x cells in these tables (LA rows).
// On a 2009 database the tables are empty and the build leaves these pages out (site/ntp-site.ts).
import type { Db, Row } from "../../pipelines/core/db.ts";
import { layoutFor } from "../../pipelines/export/layout.ts";
import { pageData, type MartSelection, type PageData } from "./page-data.ts";
import { hasTable } from "./site-catalogue.ts";
import { jsonSafe } from "./source.ts";

export interface NtpPageData extends PageData {
  layout: { filters: { col: string; label: string }[]; subjectOrder: string[] };
  footnotes: Row[];
}

export async function ntpPageData(db: Db, marts: MartSelection[]): Promise<NtpPageData> {
  const data = await pageData(db, marts);
  const layout = layoutFor("ntp");
  const tables = marts.map((m) => `published_${m.mart}`);
  const footnotes = (await hasTable(db, "published_footnotes"))
    ? jsonSafe(
        await db.all<Row>(
          `select published_table, subject, breakdown, group_label, indicator, reason from published_footnotes
            where urn is null and published_table in (${tables.map(() => "?").join(", ")})
            order by all`,
          tables,
        ),
      )
    : [];
  return {
    ...data,
    layout: { filters: layout.filters.map((f) => ({ col: f.col, label: f.label })), subjectOrder: layout.subjectOrder },
    footnotes,
  };
}

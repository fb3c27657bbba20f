// Zip files (the workbook, the site's zipped downloads). The archive itself (headers, data
// descriptors, central directory) is written by fflate's Zip (issue 18: a kept library, not our
// own header code); the entries are deflated here by Node's zlib, because zipAsync deflates a
// few large entries side by side in libuv's thread pool while the caller makes the next chunks
// (fflate's own deflate is JavaScript on the main thread: over twice as long for a 200 MB
// workbook, measured once). Entries carry the build date, in the order given, so the same content always gives
// the same bytes; zlib's output does not depend on how its input is cut up, so zipAsync's bytes
// are those of zip().
import { Zip, type ZipInputFile } from "fflate";
import { availableParallelism } from "node:os";
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw } from "node:zlib";

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/**
 * An entry whose data may come as chunks. A chunk is read after the iterator has moved on, so
 * it must not be reused until it is handed to `recycle` (called once it has been deflated).
 */
export interface ZipStreamEntry {
  name: string;
  data: Buffer | Iterable<Buffer>;
  recycle?: (chunk: Buffer) => void;
}

interface Packed {
  name: string;
  crc: number;
  size: number;
  packed: Buffer;
}

const LEVEL = 6;

export function zip(entries: ZipEntry[], when: Date): Buffer {
  return assemble(entries.map(packSync), when);
}

/**
 * zip() of entries whose data may come in chunks; the same bytes. Up to `parallel` chunked
 * entries are made and deflated side by side (one deflate stream is one thread's work).
 */
export async function zipAsync(entries: ZipStreamEntry[], when: Date, parallel = Math.max(1, Math.min(4, availableParallelism()))): Promise<Buffer> {
  const packed: Promise<Packed>[] = new Array(entries.length);
  const streams: DeflateRaw[] = [];
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    try {
      while (!failed && next < entries.length) {
        const k = next++;
        const { name, data, recycle } = entries[k];
        if (Buffer.isBuffer(data)) {
          packed[k] = Promise.resolve(packSync({ name, data }));
          continue;
        }
        const z = createDeflateRaw({ level: LEVEL, chunkSize: OUT_CHUNK });
        streams.push(z);
        const out: Buffer[] = [];
        z.on("data", (d: Buffer) => out.push(d));
        const ended = new Promise<void>((resolve, reject) => {
          z.on("end", resolve);
          z.on("error", reject);
        });
        ended.catch(() => {}); // awaited below; a failure surfaces there
        const { crc, size } = await feed(data, z, recycle);
        packed[k] = ended.then(() => ({ name, crc, size, packed: Buffer.concat(out) }));
        packed[k].catch(() => {});
      }
    } catch (e) {
      if (!failed) failure = e;
      failed = true;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  try {
    if (failed) throw failure;
    return assemble(await Promise.all(packed), when);
  } catch (e) {
    for (const z of streams) z.destroy();
    throw e;
  }
}

/** Output buffer of a deflate stream: big enough for a chunk's compressed bytes in one go. */
const OUT_CHUNK = 1 << 20;
/** Input queued on a stream before the caller waits for it to be taken. */
const QUEUED = 4 << 20;

/** Writes the chunks to z (the caller's work making them overlaps z's deflating), then ends it. */
async function feed(chunks: Iterable<Buffer>, z: DeflateRaw, recycle?: (chunk: Buffer) => void): Promise<{ crc: number; size: number }> {
  let crc = 0;
  let size = 0;
  let queued = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const taken = (chunk: Buffer) => (err?: Error | null) => {
    queued -= chunk.length;
    if (err) failure ??= err;
    else recycle?.(chunk);
    wake?.();
  };
  for (const chunk of chunks) {
    crc = crc32(chunk, crc);
    size += chunk.length;
    queued += chunk.length;
    z.write(chunk, taken(chunk));
    // Let finished deflate work hand its output over (and start on the next chunk); wait while
    // much is queued.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queued > QUEUED && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    if (failure) throw failure;
  }
  z.end();
  return { crc, size };
}

function packSync(entry: ZipEntry): Packed {
  return { name: entry.name, crc: crc32(entry.data), size: entry.data.length, packed: deflateRawSync(entry.data, { level: LEVEL }) };
}

/** The zip of already deflated entries, by fflate's Zip. */
function assemble(entries: Packed[], when: Date): Buffer {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const archive = new Zip((err, data) => {
    if (err) failure ??= err;
    else out.push(data);
  });
  // fflate writes the DOS date from local time: shift so the zip carries `when`'s UTC fields on any machine.
  const mtime = new Date(when.getTime() + when.getTimezoneOffset() * 60_000);
  for (const { name, crc, size, packed } of entries) {
    // An entry already deflated (method 8): fflate frames it with its CRC and sizes.
    const file: ZipInputFile = { filename: name, size, crc, compression: 8, flag: 0, os: 0, attrs: 0, mtime, terminate: () => {} };
    archive.add(file);
    file.ondata!(null, packed as Uint8Array<ArrayBuffer>, true);
  }
  archive.end();
  if (failure) throw failure;
  return Buffer.concat(out);
}

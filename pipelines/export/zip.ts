// A minimal zip writer (deflate, no encryption, no zip64) for the workbook. Entries carry the
// build date, so the same content always gives the same bytes. zipAsync takes an entry's data
// as a sequence of chunks and deflates them in libuv's thread pool while the caller makes the
// next ones, a few entries side by side; zlib's output does not depend on how its input is cut
// up, so the bytes are those of zip().
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

function assemble(entries: Packed[], when: Date): Buffer {
  const dosDate = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const { packed, crc } = entry;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, packed);

    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by
    dir.writeUInt16LE(20, 6); // needed
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(dosTime, 12);
    dir.writeUInt16LE(dosDate, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(entry.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + packed.length;
  }
  const centralSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

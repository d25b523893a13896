/**
 * Fat (universal) header and thin Mach-O headers with their load commands. Only bounded windows
 * are read: the fat arch table, each slice's header + load commands, and the signature blobs.
 */
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import type { Reader } from '../../io/reader.js';
import { checkedEnd } from '../../io/byte-cursor.js';
import {
  cpuName, FAT_MAGIC, FAT_MAGIC_64, LC_CODE_SIGNATURE, MACHO_LIMITS, MH_CIGAM, MH_CIGAM_64, MH_MAGIC, MH_MAGIC_64,
} from './constants.js';
import { readCodeSignature, type CodeSignatureInfo } from './code-signature.js';
import { readWindow, u32 } from './window.js';

export interface MachoSlice {
  /** Absolute offset and size of the thin image (the whole file when thin). */
  offset: number;
  size: number;
  cpuType: number;
  cpuSubtype: number;
  cpuName: string;
  fileType: number;
  is64: boolean;
  ncmds: number;
  hasCodeSignature: boolean;
  codeSignature?: CodeSignatureInfo;
}

export async function parseMacho(reader: Reader): Promise<{ kind: 'fat' | 'thin'; slices: MachoSlice[] }> {
  if (reader.size < 8) throw new ParseError('bad-signature', { what: 'Mach-O magic (file shorter than 8 bytes)', offset: 0 });
  const head = await readWindow(reader, 0, 8, 'Mach-O magic');
  const be = head.u32be(0, 'magic');
  if (be === FAT_MAGIC || be === FAT_MAGIC_64) return { kind: 'fat', slices: await parseFat(reader, be === FAT_MAGIC_64) };
  return { kind: 'thin', slices: [await parseThin(reader, 0, reader.size)] };
}

async function parseFat(reader: Reader, wide: boolean): Promise<MachoSlice[]> {
  const head = await readWindow(reader, 0, 8, 'fat_header');
  const nfat = head.u32be(4, 'fat_header nfat_arch'); // 0x04
  // 0xCAFEBABE is also the Java class-file magic; there bytes 4..7 hold versions (major ≥ 45).
  if (nfat === 0 || (!wide && nfat >= 45)) {
    throw new ParseError('bad-signature', { what: `fat header with ${nfat} architectures (not a universal binary; a Java class?)`, offset: 4 });
  }
  if (nfat > LIMITS.machoMaxArchs) {
    throw new ParseError('limit-exceeded', { what: 'fat nfat_arch', offset: 4, need: nfat, have: LIMITS.machoMaxArchs });
  }
  const entry = wide ? 32 : 20;
  const table = await readWindow(reader, 8, nfat * entry, 'fat_arch table');
  const slices: MachoSlice[] = [];
  for (let i = 0; i < nfat; i++) {
    const at = i * entry;
    // fat_arch: cputype +0, cpusubtype +4, offset +8 (u32 | u64), size +12 | +16, align
    const offset = wide ? table.u64be(at + 8, 'fat_arch_64 offset') : table.u32be(at + 8, 'fat_arch offset');
    const size = wide ? table.u64be(at + 16, 'fat_arch_64 size') : table.u32be(at + 12, 'fat_arch size');
    checkedEnd(offset, size, reader.size, `fat_arch ${i} slice`);
    if (offset < 8 + nfat * entry) {
      throw new ParseError('out-of-bounds', { what: `fat_arch ${i} slice overlaps the fat header`, offset: 8 + at + 8 });
    }
    slices.push(await parseThin(reader, offset, size));
  }
  return slices;
}

async function parseThin(reader: Reader, base: number, size: number): Promise<MachoSlice> {
  if (size < 28) throw new ParseError('bad-signature', { what: 'Mach-O header (slice shorter than 28 bytes)', offset: base });
  const m = await readWindow(reader, base, 4, 'mach_header magic');
  const magic = m.u32(0, 'mach_header magic');
  const le = magic === MH_MAGIC || magic === MH_MAGIC_64;
  if (!le && magic !== MH_CIGAM && magic !== MH_CIGAM_64) {
    throw new ParseError('bad-signature', { what: `Mach-O magic 0x${magic.toString(16)}`, offset: base });
  }
  const is64 = magic === MH_MAGIC_64 || magic === MH_CIGAM_64;
  const hdrSize = is64 ? 32 : 28;
  const h = await readWindow(reader, base, Math.min(hdrSize, size), 'mach_header');
  h.need(0, hdrSize, 'mach_header');
  const cpuType = u32(h, 0x04, le, 'cputype');
  const cpuSubtype = u32(h, 0x08, le, 'cpusubtype');
  const fileType = u32(h, 0x0c, le, 'filetype');
  const ncmds = u32(h, 0x10, le, 'ncmds');
  const sizeofcmds = u32(h, 0x14, le, 'sizeofcmds');
  if (ncmds > MACHO_LIMITS.maxLoadCommands) {
    throw new ParseError('limit-exceeded', { what: 'ncmds', offset: base + 0x10, need: ncmds, have: MACHO_LIMITS.maxLoadCommands });
  }
  if (sizeofcmds > MACHO_LIMITS.maxSizeOfCmds) {
    throw new ParseError('limit-exceeded', { what: 'sizeofcmds', offset: base + 0x14, need: sizeofcmds, have: MACHO_LIMITS.maxSizeOfCmds });
  }
  checkedEnd(hdrSize, sizeofcmds, size, 'load commands');
  const cmds = await readWindow(reader, base + hdrSize, sizeofcmds, 'load commands');
  const slice: MachoSlice = {
    offset: base, size, cpuType, cpuSubtype, cpuName: cpuName(cpuType, cpuSubtype), fileType, is64, ncmds, hasCodeSignature: false,
  };
  let sig: { dataoff: number; datasize: number } | null = null;
  let pos = 0;
  for (let i = 0; i < ncmds; i++) {
    const cmd = u32(cmds, pos, le, `load command ${i} cmd`);
    const cmdsize = u32(cmds, pos + 4, le, `load command ${i} cmdsize`);
    if (cmdsize < 8) throw new ParseError('decode', { what: `load command ${i} cmdsize ${cmdsize}`, offset: cmds.base + pos + 4 });
    checkedEnd(pos, cmdsize, sizeofcmds, `load command ${i}`);
    if (cmd === LC_CODE_SIGNATURE && !sig) {
      if (cmdsize < 16) throw new ParseError('decode', { what: `LC_CODE_SIGNATURE cmdsize ${cmdsize}`, offset: cmds.base + pos + 4 });
      // linkedit_data_command: cmd, cmdsize, dataoff +8, datasize +12 (dataoff relative to the slice)
      sig = { dataoff: u32(cmds, pos + 8, le, 'LC_CODE_SIGNATURE dataoff'), datasize: u32(cmds, pos + 12, le, 'LC_CODE_SIGNATURE datasize') };
    }
    pos += cmdsize;
  }
  if (sig) {
    slice.hasCodeSignature = true;
    slice.codeSignature = await readCodeSignature(reader, base, size, sig.dataoff, sig.datasize);
  }
  return slice;
}

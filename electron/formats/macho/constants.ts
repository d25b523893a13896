/** Mach-O and code-signing constants (xnu `mach-o/loader.h`, `mach-o/fat.h`, `kern/cs_blobs.h`). */

export const FAT_MAGIC = 0xcafebabe; // big-endian on disk
export const FAT_MAGIC_64 = 0xcafebabf;
export const MH_MAGIC = 0xfeedface; // as read little-endian: bytes CE FA ED FE
export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_CIGAM = 0xcefaedfe; // a big-endian (PowerPC) header read little-endian
export const MH_CIGAM_64 = 0xcffaedfe;

export const LC_CODE_SIGNATURE = 0x1d;

export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0; // SuperBlob
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000; // up to 5 alternates: 0x1000..0x1004
export const CS_SUPPORTSTEAMID = 0x20200;
export const CSSLOT_SIGNATURESLOT = 0x10000; // CMS signature
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01; // wraps the CMS DER; length 8 = empty (ad-hoc)

/** CodeDirectory hashType → digest; order is xnu's preference when several CDs are present. */
export const CS_HASH_TYPES: Record<number, { alg: string; rank: number }> = {
  4: { alg: 'sha384', rank: 4 }, // CS_HASHTYPE_SHA384
  2: { alg: 'sha256', rank: 3 }, // CS_HASHTYPE_SHA256
  3: { alg: 'sha256', rank: 2 }, // CS_HASHTYPE_SHA256_TRUNCATED (cdhash is still the first 20 bytes)
  1: { alg: 'sha1', rank: 1 }, // CS_HASHTYPE_SHA1
};
/** CS_CDHASH_LEN: the cdhash is the CodeDirectory digest truncated to 20 bytes. */
export const CDHASH_BYTES = 20;

export const MACHO_LIMITS = {
  maxLoadCommands: 4096,
  /** sizeofcmds above this is not a real binary (ld caps the header region far lower). */
  maxSizeOfCmds: 8 * 1024 * 1024,
  maxSuperBlobEntries: 64,
  /** A CodeDirectory of a 1 GiB binary with SHA-384 page hashes is ~12 MiB. */
  maxCodeDirectoryBytes: 32 * 1024 * 1024,
  maxIdentifierBytes: 1024,
  /** A Developer ID CMS with its chain and timestamp token is ~9 KiB; codesign reserves far less than this. */
  maxCmsBytes: 1024 * 1024,
  /** Certificates listed from a CMS and CDHashes2 entries read (a real chain has 3). */
  maxCmsCertificates: 16,
} as const;

const CPU_ARCH_ABI64 = 0x01000000;
const CPU_ARCH_ABI64_32 = 0x02000000;

export function cpuName(cpuType: number, cpuSubtype: number): string {
  switch (cpuType >>> 0) {
    case 7:
      return 'i386';
    case 7 | CPU_ARCH_ABI64:
      return 'x86_64';
    case 12:
      return 'arm';
    case 12 | CPU_ARCH_ABI64:
      return (cpuSubtype & 0xff) === 2 ? 'arm64e' : 'arm64';
    case 12 | CPU_ARCH_ABI64_32:
      return 'arm64_32';
    case 18:
      return 'ppc';
    case 18 | CPU_ARCH_ABI64:
      return 'ppc64';
    default:
      return `cpu-0x${(cpuType >>> 0).toString(16)}`;
  }
}

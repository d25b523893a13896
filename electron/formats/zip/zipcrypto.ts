/**
 * Traditional PKWARE encryption ("ZipCrypto", APPNOTE 6.1): three CRC-based keys updated with
 * each plaintext byte. It is weak, but it is what `zip -P`, UAC `zip --password` and CyLR `-zp`
 * write. The 12-byte header's last byte must equal the CRC's (or, with a data descriptor, the DOS
 * time's) high byte: that is the password check.
 */
import { ParseError } from '../../common/issues.js';
import { CRC32_TABLE } from '../../io/crc32.js';

const CRC_TABLE = CRC32_TABLE;

export class ZipCryptoDecoder {
  private k0 = 0x12345678;
  private k1 = 0x23456789;
  private k2 = 0x34567890;
  private header = new Uint8Array(12);
  private headerGot = 0;
  private checked = false;

  constructor(password: string, private readonly check: number, private readonly member: string) {
    for (const b of Buffer.from(password, 'utf8')) this.update(b);
  }

  private update(b: number): void {
    this.k0 = (CRC_TABLE[(this.k0 ^ b) & 0xff]! ^ (this.k0 >>> 8)) >>> 0;
    this.k1 = (Math.imul((this.k1 + (this.k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    this.k2 = (CRC_TABLE[(this.k2 ^ (this.k1 >>> 24)) & 0xff]! ^ (this.k2 >>> 8)) >>> 0;
  }

  private decryptByte(c: number): number {
    const t = (this.k2 | 2) & 0xffff;
    const p = (c ^ ((t * (t ^ 1)) >>> 8)) & 0xff;
    this.update(p);
    return p;
  }

  /** Decrypt a chunk; the first 12 bytes (the encryption header) are consumed and checked. */
  push(chunk: Uint8Array): Uint8Array {
    let i = 0;
    while (this.headerGot < 12 && i < chunk.length) this.header[this.headerGot++] = this.decryptByte(chunk[i++]!);
    if (this.headerGot === 12 && !this.checked) {
      this.checked = true;
      if (this.header[11] !== this.check) throw new ParseError('encrypted', { what: this.member }, `wrong password for ZipCrypto member ${this.member}`);
    }
    const out = new Uint8Array(chunk.length - i);
    for (let j = 0; i < chunk.length; i++, j++) out[j] = this.decryptByte(chunk[i]!);
    return out;
  }
}

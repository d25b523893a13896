/**
 * RC4, used only to decrypt the 3CX carrier payload for analysis (dossier 4.1 step 6). The state is
 * kept between calls so a payload can be decrypted window by window.
 */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) throw new RangeError(`RC4 key must be 1..256 bytes, got ${key.length}`);
    const s = this.s;
    for (let n = 0; n < 256; n++) s[n] = n;
    let j = 0;
    for (let n = 0; n < 256; n++) {
      j = (j + s[n]! + key[n % key.length]!) & 0xff;
      const t = s[n]!;
      s[n] = s[j]!;
      s[j] = t;
    }
  }

  /** XORs `data` with the next keystream bytes; returns a new array. */
  process(data: Uint8Array): Uint8Array {
    const s = this.s;
    const out = new Uint8Array(data.length);
    let { i, j } = this;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
      out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Rc4(key).process(data);
}

/** The published key of the 3CX loader (Elastic, Nextron APT_SUSP_NK_3CX_RC4_Key_Mar23_1). */
export const THREECX_RC4_KEY: Uint8Array = new TextEncoder().encode('3jB(2bsG#@c7');

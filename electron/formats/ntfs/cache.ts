/**
 * A bounded cache in two generations: entries go into `young`; when it is full it becomes `old`
 * and the previous old generation is dropped. A hit in `old` is promoted. O(1) everywhere, unlike
 * evicting a Map's first key one at a time (V8 then walks the deleted slots on every eviction).
 */
export class GenerationalCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly perGeneration: number) {}

  get(k: K): V | undefined {
    const v = this.young.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) this.set(k, o);
    return o;
  }

  set(k: K, v: V): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(k, v);
  }

  delete(k: K): void {
    this.young.delete(k);
    this.old.delete(k);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}

/** Root of `a` in a union-find forest stored as a parent array, compressing the path walked. */
export function findRoot(parent: Int32Array, a: number): number {
  let r = a;
  while (parent[r] !== r) r = parent[r];
  while (parent[a] !== r) {
    const up = parent[a];
    parent[a] = r;
    a = up;
  }
  return r;
}

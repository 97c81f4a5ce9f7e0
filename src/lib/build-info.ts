// Facts the build script stamps into the executable (esbuild `define`).
// Running from source, they say so instead of guessing.

export interface BuildInfo {
  version: string;
  commit: string;
  /** True when the code runs as the single executable. */
  sea: boolean;
}

declare global {
  // Replaced at build time by scripts/build.ts; absent when run from source.
  var __OCTANT_BUILD__: { version: string; commit: string } | undefined;
}

export function buildInfo(): BuildInfo {
  const stamped = globalThis.__OCTANT_BUILD__;
  return stamped === undefined
    ? { version: '0.1.0', commit: 'source', sea: false }
    : { version: stamped.version, commit: stamped.commit, sea: true };
}

// The bubblewrap tier refuses to start an agent without Landlock: exec
// control and the second filesystem layer would silently be missing. The
// helper inside the sandbox checks again and fails closed (exit 123); this
// host-side check turns that into a clear error before anything is spawned.
// Asked once per process (the kernel's Landlock support cannot change while
// it runs).

import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';
import { landlockAbiVersion } from '../libc.ts';

let abi: number | undefined;

/** The Landlock ABI version (>= 1), or E_SANDBOX_LANDLOCK. */
export function requireLandlock(probe?: () => number): number {
  if (probe === undefined && abi !== undefined) return abi;
  let version: number;
  try {
    version = (probe ?? landlockAbiVersion)();
  } catch (error) {
    throw new OctantError('E_SANDBOX_LANDLOCK', `cannot ask the kernel for its Landlock ABI: ${messageOf(error)}`, { exit: EXIT.unavailable, cause: error });
  }
  if (version < 1) {
    throw new OctantError('E_SANDBOX_LANDLOCK', `the kernel has no usable Landlock (landlock_create_ruleset: errno ${-version}); agents run only where Landlock restricts what they execute`, {
      exit: EXIT.unavailable,
      hint: 'use Linux >= 5.13 with CONFIG_SECURITY_LANDLOCK=y and "landlock" in the lsm= boot parameter (octant doctor reports the ABI)',
    });
  }
  if (probe === undefined) abi = version;
  return version;
}
